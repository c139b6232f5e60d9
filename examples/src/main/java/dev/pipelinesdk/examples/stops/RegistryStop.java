package dev.pipelinesdk.examples.stops;

import java.util.Objects;

/**
 * One stop (service point) of the national registry.
 *
 * @param atlasId the sloid, e.g. {@code ch:1:sloid:7000}; never blank, unique within a registry
 * @param number  the UIC number, e.g. {@code 8507000}; {@code null} when the export has none
 * @param name    the official designation, e.g. {@code Bern, Bahnhof}; {@code null} when the export has none
 * @param lat     WGS84 latitude in degrees, {@link Double#NaN} when the export has none
 * @param lon     WGS84 longitude in degrees, {@link Double#NaN} when the export has none
 * @param line    the line of the source file the row starts on (1 is the header), 0 when not read from a file
 */
public record RegistryStop(String atlasId, String number, String name, double lat, double lon, long line) {

    /** Rejects a missing or blank sloid. */
    public RegistryStop {
        Objects.requireNonNull(atlasId, "atlasId");
        if (atlasId.isBlank()) {
            throw new IllegalArgumentException("atlasId must not be blank");
        }
    }

    /** @return {@code true} when both coordinates are present (finite) */
    public boolean hasCoordinates() {
        return Double.isFinite(lat) && Double.isFinite(lon);
    }
}
