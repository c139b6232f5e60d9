package dev.pipelinesdk.examples.stops;

import java.text.Normalizer;
import java.util.Locale;
import java.util.Map;

/**
 * Stop-name normalisation and similarity, shared by the matcher and the problem finder.
 *
 * <p>{@link #normalise} lower-cases, drops diacritics ({@code ü → u}, {@code ß → ss}), turns punctuation into
 * spaces and expands common abbreviations token by token: {@code bhf, bf → bahnhof}; {@code str → strasse} (also as
 * a word ending: {@code bahnhofstr. → bahnhofstrasse}); {@code st, saint → sankt}; {@code pl → platz};
 * {@code hbf → hauptbahnhof}. So {@code "Zürich, Bahnhofstr."} and {@code "zurich Bahnhofstrasse"} are equal.
 *
 * <p>{@link #similarity} is the Sørensen–Dice coefficient of the character bigrams of the two normalised names
 * (spaces kept as word boundaries), between 0 (nothing shared) and 1 (equal). For a registry name of the form
 * {@code "Town, Place"}: when the OSM name starts with the same (normalised) town, only the places are compared,
 * because the shared town says nothing about which stop it is ({@code "Bern, Bergplatz"} and
 * {@code "Bern, Seeplatz"} score 0.5, not 0.8); otherwise the better of the whole names and of the place against
 * the whole OSM name counts, because OSM often names a stop by its place alone ({@code "Bahnhof"}).
 */
public final class StopNames {

    /** Matching threshold used by the name stage: a typo or a dropped word still passes, another place does not. */
    public static final double MATCH_THRESHOLD = 0.75;

    /** Below this, the names of a matched pair "clearly differ" (a {@code name_mismatch} problem). */
    public static final double MISMATCH_THRESHOLD = 0.5;

    private static final Map<String, String> ABBREVIATIONS = Map.of(
            "bhf", "bahnhof", "bf", "bahnhof", "hbf", "hauptbahnhof",
            "str", "strasse", "st", "sankt", "saint", "sankt", "pl", "platz");

    private StopNames() {
    }

    /**
     * @param name a stop name, may be {@code null}
     * @return the normalised name ({@code ""} for {@code null} or a name of punctuation only)
     */
    public static String normalise(String name) {
        if (name == null) {
            return "";
        }
        String s = Normalizer.normalize(name.toLowerCase(Locale.ROOT), Normalizer.Form.NFD);
        StringBuilder out = new StringBuilder(s.length() + 8);
        StringBuilder token = new StringBuilder();
        for (int i = 0; i <= s.length(); i++) {
            char c = i < s.length() ? s.charAt(i) : ' ';
            if (Character.getType(c) == Character.NON_SPACING_MARK) {
                continue;
            }
            if (c == 'ß') {
                token.append("ss");
            } else if (c == 'æ') {
                token.append("ae");
            } else if (c == 'œ') {
                token.append("oe");
            } else if (c == 'ø') {
                token.append('o');
            } else if (Character.isLetterOrDigit(c)) {
                token.append(c);
            } else if (token.length() > 0) {
                if (out.length() > 0) {
                    out.append(' ');
                }
                out.append(expand(token.toString()));
                token.setLength(0);
            }
        }
        return out.toString();
    }

    private static String expand(String token) {
        String full = ABBREVIATIONS.get(token);
        if (full != null) {
            return full;
        }
        if (token.length() > 4 && token.endsWith("str")) {
            return token + "asse";
        }
        return token;
    }

    /**
     * @param registryName a registry name, typically {@code "Town, Place"}; may be {@code null}
     * @param osmName      an OSM name; may be {@code null}
     * @return the similarity in [0, 1]; 0 when either is missing
     */
    public static double similarity(String registryName, String osmName) {
        return RegistryName.of(registryName).similarity(normalise(osmName));
    }

    /**
     * A registry name prepared for many comparisons.
     *
     * @param full  the whole name, normalised ({@code ""} when missing)
     * @param town  the normalised part before the first comma, {@code null} when there is no comma
     * @param place the normalised part after the first comma, {@code null} when there is no comma
     */
    record RegistryName(String full, String town, String place) {

        static RegistryName of(String registryName) {
            if (registryName == null) {
                return new RegistryName("", null, null);
            }
            int comma = registryName.indexOf(',');
            String town = comma < 0 ? "" : normalise(registryName.substring(0, comma));
            String place = comma < 0 ? "" : normalise(registryName.substring(comma + 1));
            if (town.isEmpty() || place.isEmpty()) {
                return new RegistryName(normalise(registryName), null, null);
            }
            return new RegistryName(town + " " + place, town, place);
        }

        /**
         * Scores an already normalised OSM name. When the registry name is {@code "Town, Place"} and the OSM name
         * starts with the same town, only the places are compared (a shared town says nothing about the stop);
         * otherwise the better of whole name against whole name and place against whole name (OSM often names
         * a stop by its place alone).
         */
        double similarity(String osm) {
            if (full.isEmpty() || osm.isEmpty()) {
                return 0;
            }
            if (town == null) {
                return dice(full, osm);
            }
            if (osm.length() > town.length() && osm.startsWith(town) && osm.charAt(town.length()) == ' ') {
                return dice(place, osm.substring(town.length() + 1));
            }
            return Math.max(dice(full, osm), dice(place, osm));
        }
    }

    /** Sørensen–Dice coefficient over the multisets of character bigrams of {@code " " + s + " "}. */
    static double dice(String a, String b) {
        if (a.equals(b)) {
            return 1;
        }
        long[] ba = bigrams(a);
        long[] bb = bigrams(b);
        java.util.Arrays.sort(ba);
        java.util.Arrays.sort(bb);
        int i = 0;
        int j = 0;
        int common = 0;
        while (i < ba.length && j < bb.length) {
            if (ba[i] == bb[j]) {
                common++;
                i++;
                j++;
            } else if (ba[i] < bb[j]) {
                i++;
            } else {
                j++;
            }
        }
        return 2.0 * common / (ba.length + bb.length);
    }

    private static long[] bigrams(String s) {
        String padded = " " + s + " ";
        long[] out = new long[padded.length() - 1];
        for (int i = 0; i < out.length; i++) {
            out[i] = ((long) padded.charAt(i) << 16) | padded.charAt(i + 1);
        }
        return out;
    }
}
