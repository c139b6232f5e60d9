package dev.pipelinesdk.api;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Objects;
import java.util.Set;

/**
 * Which phases a run executes: {@code full} (all), {@code from:PHASE} (that phase and every later
 * one) or {@code only:PHASE[,PHASE…]} (just those, in pipeline order). Immutable; the string form
 * ({@link #toString()}) is what {@link #parse(String)} reads and what the status document shows.
 */
public final class RunMode {

    private enum Kind { FULL, FROM, ONLY }

    private static final RunMode FULL = new RunMode(Kind.FULL, List.of());

    private final Kind kind;
    private final List<String> phases;

    private RunMode(Kind kind, List<String> phases) {
        this.kind = kind;
        this.phases = List.copyOf(phases);
    }

    /** @return the mode that runs every phase */
    public static RunMode full() {
        return FULL;
    }

    /**
     * @param phase the first phase to run
     * @return the mode that runs {@code phase} and every phase after it
     */
    public static RunMode from(String phase) {
        return new RunMode(Kind.FROM, List.of(Names.requirePhase(phase)));
    }

    /**
     * @param phases the phases to run (at least one, no duplicates)
     * @return the mode that runs just these phases, in pipeline order
     */
    public static RunMode only(String... phases) {
        if (phases == null || phases.length == 0) {
            throw new IllegalArgumentException("Run mode 'only' needs at least one phase");
        }
        Set<String> unique = new LinkedHashSet<>();
        for (String phase : phases) {
            if (!unique.add(Names.requirePhase(phase))) {
                throw new IllegalArgumentException("Run mode 'only' names phase '" + phase + "' twice");
            }
        }
        return new RunMode(Kind.ONLY, new ArrayList<>(unique));
    }

    /**
     * Reads the string form.
     *
     * @param text {@code full}, {@code from:PHASE} or {@code only:PHASE[,PHASE…]}
     * @return the mode
     * @throws IllegalArgumentException naming the text and the accepted forms
     */
    public static RunMode parse(String text) {
        if (text == null) {
            throw new IllegalArgumentException("Run mode must not be null: expected full, from:PHASE or only:PHASE[,PHASE...]");
        }
        String t = text.trim();
        try {
            if (t.equals("full")) {
                return FULL;
            }
            if (t.startsWith("from:")) {
                return from(t.substring(5).trim());
            }
            if (t.startsWith("only:")) {
                return only(Arrays.stream(t.substring(5).split(",", -1)).map(String::trim).toArray(String[]::new));
            }
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("Invalid run mode '" + text + "': " + e.getMessage(), e);
        }
        throw new IllegalArgumentException("Invalid run mode '" + text + "': expected full, from:PHASE or only:PHASE[,PHASE...]");
    }

    /**
     * Chooses the phases of a pipeline this mode runs.
     *
     * @param pipelinePhases the pipeline's phase names, in order
     * @return the selected names, in pipeline order
     * @throws IllegalArgumentException when the mode names a phase the pipeline does not have
     */
    public List<String> select(List<String> pipelinePhases) {
        for (String phase : phases) {
            if (!pipelinePhases.contains(phase)) {
                throw new IllegalArgumentException("Run mode '" + this + "' names unknown phase '" + phase
                        + "'; the pipeline's phases are " + String.join(", ", pipelinePhases));
            }
        }
        return switch (kind) {
            case FULL -> List.copyOf(pipelinePhases);
            case FROM -> List.copyOf(pipelinePhases.subList(pipelinePhases.indexOf(phases.get(0)), pipelinePhases.size()));
            case ONLY -> pipelinePhases.stream().filter(phases::contains).toList();
        };
    }

    /** @return {@code true} for {@link #full()} */
    public boolean isFull() {
        return kind == Kind.FULL;
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof RunMode other && kind == other.kind && phases.equals(other.phases);
    }

    @Override
    public int hashCode() {
        return Objects.hash(kind, phases);
    }

    /** @return the string form: {@code full}, {@code from:PHASE} or {@code only:A,B} */
    @Override
    public String toString() {
        return switch (kind) {
            case FULL -> "full";
            case FROM -> "from:" + phases.get(0);
            case ONLY -> "only:" + String.join(",", phases);
        };
    }
}
