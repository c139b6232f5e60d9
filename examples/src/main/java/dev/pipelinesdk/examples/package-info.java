/** The example service: the stops pipeline, its command line and runnable jar. */
package dev.pipelinesdk.examples;
