package dev.pipelinesdk.examples.stops;

import java.util.Objects;

/**
 * A registry stop paired with an OSM node.
 *
 * @param atlasId        the registry stop's sloid
 * @param osmId          the OSM node id
 * @param distanceMetres great-circle distance between the two, {@link Double#NaN} when the registry stop has no
 *                       coordinates
 * @param method         the matching stage that made the pair
 */
public record Match(String atlasId, long osmId, double distanceMetres, Method method) {

    /** Rejects missing fields. */
    public Match {
        Objects.requireNonNull(atlasId, "atlasId");
        Objects.requireNonNull(method, "method");
    }

    /** How a pair was found, in the order the stages run. */
    public enum Method {
        /** The node's {@code uic_ref} or {@code ref:IFOPT} names the registry stop. */
        REFERENCE("reference"),
        /** Similar names close to each other. */
        NAME("name"),
        /** The nearest free node within the radius. */
        NEAREST("nearest");

        private final String wireName;

        Method(String wireName) {
            this.wireName = wireName;
        }

        /** @return the lower-case name used in files and the database, e.g. {@code reference} */
        public String wireName() {
            return wireName;
        }

        /**
         * @param wireName a name as returned by {@link #wireName()}
         * @return the method
         * @throws IllegalArgumentException for an unknown name
         */
        public static Method ofWireName(String wireName) {
            for (Method m : values()) {
                if (m.wireName.equals(wireName)) {
                    return m;
                }
            }
            throw new IllegalArgumentException("unknown match method \"" + wireName + "\" (expected reference, name or nearest)");
        }
    }
}
