package dev.pipelinesdk.api;

import java.util.Arrays;
import java.util.Locale;
import java.util.stream.Collectors;

/** Parsing of lower-case enum wire names, shared by the enums of this package. */
final class Wire {
    private Wire() {
    }

    static <E extends Enum<E>> E parse(Class<E> type, String wire, String what) {
        if (wire != null) {
            for (E e : type.getEnumConstants()) {
                if (e.name().equalsIgnoreCase(wire)) {
                    return e;
                }
            }
        }
        String accepted = Arrays.stream(type.getEnumConstants())
                .map(e -> e.name().toLowerCase(Locale.ROOT))
                .collect(Collectors.joining(", "));
        throw new IllegalArgumentException("Unknown " + what + " '" + wire + "': expected one of " + accepted);
    }
}
