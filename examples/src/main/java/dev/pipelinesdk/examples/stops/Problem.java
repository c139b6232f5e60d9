package dev.pipelinesdk.examples.stops;

import java.util.Objects;

/**
 * A data-quality problem found by {@link ProblemFinder}.
 *
 * @param atlasId the registry stop concerned, {@code null} when only an OSM node is concerned
 * @param osmId   the OSM node concerned, {@code null} when only a registry stop is concerned
 * @param kind    what kind of problem
 * @param detail  a human-readable explanation, never {@code null}
 */
public record Problem(String atlasId, Long osmId, Kind kind, String detail) {

    /** Rejects a problem about nothing. */
    public Problem {
        Objects.requireNonNull(kind, "kind");
        Objects.requireNonNull(detail, "detail");
        if (atlasId == null && osmId == null) {
            throw new IllegalArgumentException("a problem needs an atlasId or an osmId");
        }
    }

    /** The kinds of problems. */
    public enum Kind {
        /** Matched by reference but farther apart than the radius; the detail gives the distance. */
        REFERENCE_FAR("reference_far"),
        /** A registry stop without any OSM node. */
        UNMATCHED_REGISTRY("unmatched_registry"),
        /** An OSM node without any registry stop. */
        UNMATCHED_OSM("unmatched_osm"),
        /** A registry stop matched to an OSM node that other registry stops are matched to as well. */
        DUPLICATE_MATCH("duplicate_match"),
        /** A matched pair whose normalised names clearly differ. */
        NAME_MISMATCH("name_mismatch"),
        /** A registry stop without coordinates or name, or an OSM node without a name. */
        MISSING_DATA("missing_data");

        private final String wireName;

        Kind(String wireName) {
            this.wireName = wireName;
        }

        /** @return the lower-case name used in files and the database, e.g. {@code reference_far} */
        public String wireName() {
            return wireName;
        }

        /**
         * @param wireName a name as returned by {@link #wireName()}
         * @return the kind
         * @throws IllegalArgumentException for an unknown name
         */
        public static Kind ofWireName(String wireName) {
            for (Kind k : values()) {
                if (k.wireName.equals(wireName)) {
                    return k;
                }
            }
            throw new IllegalArgumentException("unknown problem kind \"" + wireName + "\"");
        }
    }
}
