package dev.pipelinesdk.examples.stops;

import java.util.Collections;
import java.util.EnumMap;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;

/**
 * How well a matching agrees with a {@link GroundTruth}: a reported pair is correct when the truth maps its sloid
 * to its node id.
 *
 * @param reportedPairs     matches reported
 * @param correctPairs      reported matches that are in the truth
 * @param truthPairs        pairs in the truth (stops with a counterpart)
 * @param reportedByMethod  reported matches per method (every method present, possibly 0)
 * @param correctByMethod   correct matches per method (every method present, possibly 0)
 */
public record MatchQuality(long reportedPairs, long correctPairs, long truthPairs,
        Map<Match.Method, Long> reportedByMethod, Map<Match.Method, Long> correctByMethod) {

    /** Copies the maps. */
    public MatchQuality {
        reportedByMethod = Collections.unmodifiableMap(new EnumMap<>(reportedByMethod));
        correctByMethod = Collections.unmodifiableMap(new EnumMap<>(correctByMethod));
    }

    /**
     * @param matches the matches to score
     * @param truth   the truth
     * @return the quality
     */
    public static MatchQuality of(java.util.List<Match> matches, GroundTruth truth) {
        Objects.requireNonNull(matches, "matches");
        Objects.requireNonNull(truth, "truth");
        Map<Match.Method, Long> reported = new EnumMap<>(Match.Method.class);
        Map<Match.Method, Long> correct = new EnumMap<>(Match.Method.class);
        for (Match.Method m : Match.Method.values()) {
            reported.put(m, 0L);
            correct.put(m, 0L);
        }
        long ok = 0;
        for (Match m : matches) {
            reported.merge(m.method(), 1L, Long::sum);
            Long expected = truth.counterparts().get(m.atlasId());
            if (expected != null && expected == m.osmId()) {
                ok++;
                correct.merge(m.method(), 1L, Long::sum);
            }
        }
        return new MatchQuality(matches.size(), ok, truth.pairs(), reported, correct);
    }

    /** @return correct / reported pairs; 1 when nothing was reported */
    public double precision() {
        return reportedPairs == 0 ? 1 : (double) correctPairs / reportedPairs;
    }

    /** @return correct / truth pairs; 1 when the truth has no pairs */
    public double recall() {
        return truthPairs == 0 ? 1 : (double) correctPairs / truthPairs;
    }

    /** @return e.g. {@code precision 0.9950, recall 0.9800 (29000 reported, ...; reference 12000/12000, ...)} */
    @Override
    public String toString() {
        StringBuilder sb = new StringBuilder(String.format(Locale.ROOT,
                "precision %.4f, recall %.4f (%d reported, %d correct, %d true pairs;", precision(), recall(),
                reportedPairs, correctPairs, truthPairs));
        for (Match.Method m : Match.Method.values()) {
            sb.append(' ').append(m.wireName()).append(' ').append(correctByMethod.get(m)).append('/')
                    .append(reportedByMethod.get(m));
        }
        return sb.append(" correct/reported)").toString();
    }
}
