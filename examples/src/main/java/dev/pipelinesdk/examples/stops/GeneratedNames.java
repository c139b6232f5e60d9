package dev.pipelinesdk.examples.stops;

import java.text.Normalizer;
import java.util.Locale;
import java.util.Set;
import java.util.SplittableRandom;

/** Synthetic Swiss-like town and place names, and the ways OSM mappers spell them, for {@link StopsGenerator}. */
final class GeneratedNames {

    private static final String[] TOWN_PREFIX = {"", "", "", "", "", "", "", "", "Ober", "Nieder", "Unter", "Alt",
        "Neu", "Gross", "Klein", "Sankt ", "Saint-", "La ", "Le ", "Val "};
    private static final String[] TOWN_HEAD = {"Zür", "Wint", "Lau", "Bie", "Thal", "Mör", "Rüt", "Wäd", "Küs",
        "Ust", "Dü", "Fri", "Sio", "Bel", "Lug", "Gen", "Chur", "Aar", "Ol", "Bad", "Zug", "Schwy", "Glar", "Sarn",
        "Stan", "Frau", "Wil", "Gos", "Ror", "Arb", "Sur", "Zof", "Lenz", "Brug", "Mur", "Payer", "Yver", "Mon",
        "Vev", "Sier", "Brig", "Visp", "Ascon", "Mendr", "Bell", "Delé", "Porr", "Mout", "Tav", "Grenc", "Sol",
        "Olt", "Lies", "Prat", "Mutt", "Rhein", "Stein", "Kreuz", "Amris", "Heris", "Appen", "Gais", "Teuf", "Buch",
        "Sarg", "Flum", "Ilanz", "Dav", "Scu", "Samed", "Pontr", "Ensch", "Ebn", "Küsn", "Horg", "Meil", "Männ",
        "Rappers", "Wett", "Hochd", "Gränd", "Estav", "Château", "Bulle", "Morg", "Nyon", "Rolle"};
    private static final String[] TOWN_TAIL = {"ikon", "ingen", "wil", "dorf", "bach", "berg", "au", "hausen",
        "stetten", "felden", "ens", "az", "ier", "ona", "ano", "ège", "ry", "ex", "ach", "tal", "egg", "ried",
        "matt", "holz", "heim", "ens", "è", "ün", "ikofen", "ach"};
    private static final String[] PLACES = {"Bahnhof", "Post", "Dorf", "Kirche", "Schulhaus", "Zentrum", "Spital",
        "Friedhof", "Gemeindehaus", "Oberdorf", "Unterdorf", "Mühle", "Brücke", "Rathaus", "Sportplatz", "Gare",
        "Poste", "Église", "Stazione", "Chiesa", "Piazza", "Centre", "Bahnhof Süd", "Bahnhof Nord", "Industrie",
        "Sankt Anna", "Sankt Peter", "Sankt Josef", "Kreuzung", "Schloss", "Seeufer", "Hallenbad", "Gewerbezone",
        "Restaurant \"Löwen\"", "Zoo; Eingang", "Schiffstation", "Talstation", "Bergstation", "Käserei", "Sägerei"};
    private static final String[] ROOTS = {"Linden", "Birken", "Eichen", "Tannen", "Berg", "See", "Wald", "Feld",
        "Kirch", "Schul", "Bahnhof", "Mühle", "Rosen", "Sonnen", "Garten", "Matt", "Bach", "Acker", "Dorf",
        "Markt", "Haupt", "Post", "Land", "Brunnen", "Rain", "Grund", "Stein", "Weiher", "Reben", "Allmend",
        "Bünt", "Zelg", "Hügel", "Brühl", "Gärtner", "Löwen", "Kreuz", "Ahorn", "Buchen", "Föhren", "Sankt Gallen",
        "Florhof", "Moos", "Ried", "Schützen", "Sternen", "Hirschen", "Bären", "Adler", "Rössli"};
    private static final String[] SUFFIXES = {"strasse", "weg", "platz", "gasse", "hof", "matte", "rain", "acker",
        "park", "halde"};
    private static final String[] REMOTE = {"Hof", "Weiler", "Alp", "Abzweigung", "Kreuzung", "Säge", "Mühle",
        "Wegweiser", "Parkplatz", "Skilift"};

    private GeneratedNames() {
    }

    static String town(SplittableRandom rnd) {
        return pick(rnd, TOWN_PREFIX) + pick(rnd, TOWN_HEAD) + pick(rnd, TOWN_TAIL);
    }

    /** A place name not in {@code used} (it is not added). */
    static String freePlace(SplittableRandom rnd, Set<String> used) {
        for (int attempt = 0; attempt < 40; attempt++) {
            String place = place(rnd);
            if (!used.contains(place)) {
                return place;
            }
        }
        String base = place(rnd);
        for (int i = 2; ; i++) {
            String place = base + " " + i;
            if (!used.contains(place)) {
                return place;
            }
        }
    }

    private static String place(SplittableRandom rnd) {
        if (rnd.nextInt(4) == 0) {
            return pick(rnd, PLACES);
        }
        String root = pick(rnd, ROOTS);
        String suffix = pick(rnd, SUFFIXES);
        return root.indexOf(' ') >= 0 ? root + "-" + suffix.substring(0, 1).toUpperCase(Locale.ROOT)
                + suffix.substring(1) : root + suffix;
    }

    /** A name for an OSM stop far from any registry place. */
    static String remote(SplittableRandom rnd) {
        return pick(rnd, REMOTE) + " " + pick(rnd, TOWN_HEAD) + pick(rnd, TOWN_TAIL);
    }

    /**
     * How a mapper might have named the stop {@code town + ", " + place}: exact 38 %, re-cased 10 %, abbreviated
     * 15 %, without comma 10 %, without accents 10 %, the place alone 5 %, a typo in the place 5 %, no name 7 %.
     */
    static String osmVariant(SplittableRandom rnd, String town, String place) {
        String official = town + ", " + place;
        int r = rnd.nextInt(100);
        if (r < 38) {
            return official;
        }
        if (r < 48) {
            return rnd.nextBoolean() ? official.toLowerCase(Locale.ROOT) : official.toUpperCase(Locale.ROOT);
        }
        if (r < 63) {
            return abbreviate(official);
        }
        if (r < 73) {
            return town + " " + place;
        }
        if (r < 83) {
            return stripAccents(official);
        }
        if (r < 88) {
            return place;
        }
        if (r < 93) {
            return town + ", " + typo(rnd, place);
        }
        return null;
    }

    private static String abbreviate(String name) {
        return name.replace("Bahnhof", "Bhf").replace("strasse", "str.").replace("Sankt ", "St. ")
                .replace("Saint-", "St-");
    }

    private static String stripAccents(String name) {
        return Normalizer.normalize(name, Normalizer.Form.NFD).replaceAll("\\p{Mn}+", "");
    }

    /** Swaps two adjacent letters in the middle of a name of at least 5 characters. */
    private static String typo(SplittableRandom rnd, String s) {
        if (s.length() < 5) {
            return s;
        }
        int i = 1 + rnd.nextInt(s.length() - 3);
        char[] c = s.toCharArray();
        char t = c[i];
        c[i] = c[i + 1];
        c[i + 1] = t;
        return new String(c);
    }

    private static String pick(SplittableRandom rnd, String[] options) {
        return options[rnd.nextInt(options.length)];
    }
}
