/**
 * The data work of the stops pipeline, free of SDK types: a stop registry (an ATLAS-style service-point CSV
 * export, {@link dev.pipelinesdk.examples.stops.RegistryCsv}) is matched against OpenStreetMap stop nodes
 * (Overpass JSON, {@link dev.pipelinesdk.examples.stops.OsmJson}) by
 * {@link dev.pipelinesdk.examples.stops.StopMatcher}; {@link dev.pipelinesdk.examples.stops.ProblemFinder} lists
 * data-quality problems; {@link dev.pipelinesdk.examples.stops.StopFiles} writes both as Postgres-ready CSV.
 * {@link dev.pipelinesdk.examples.stops.StopsGenerator} makes realistic synthetic inputs with a ground truth, and
 * {@link dev.pipelinesdk.examples.stops.MatchQuality} scores a matching against it.
 */
package dev.pipelinesdk.examples.stops;
