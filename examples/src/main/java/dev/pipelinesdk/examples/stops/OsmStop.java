package dev.pipelinesdk.examples.stops;

/**
 * One OpenStreetMap stop node.
 *
 * @param id      the node id
 * @param lat     WGS84 latitude in degrees, always present and in range
 * @param lon     WGS84 longitude in degrees, always present and in range
 * @param name    the {@code name} tag, {@code null} when the node has none
 * @param uicRef  the {@code uic_ref} tag (a registry number), {@code null} when absent
 * @param ifoptRef the {@code ref:IFOPT} tag (a sloid, possibly platform-level such as {@code ch:1:sloid:7000:1:2}),
 *                {@code null} when absent
 */
public record OsmStop(long id, double lat, double lon, String name, String uicRef, String ifoptRef) {

    /** Rejects coordinates that are not finite. */
    public OsmStop {
        if (!Double.isFinite(lat) || !Double.isFinite(lon)) {
            throw new IllegalArgumentException("node " + id + " needs finite coordinates, got " + lat + ", " + lon);
        }
    }
}
