package dev.pipelinesdk.core.notify;

import dev.pipelinesdk.api.RunOutcome;
import java.util.Collection;
import java.util.EnumSet;
import java.util.Objects;
import java.util.Set;

/** The outcome filter and names shared by the notifiers. */
final class Outcomes {

    /** What a notifier reports unless told otherwise: the runs that need someone's attention. */
    static final Set<RunOutcome> DEFAULT = Set.copyOf(EnumSet.of(RunOutcome.FAILED, RunOutcome.TIMED_OUT,
            RunOutcome.LEASE_LOST, RunOutcome.ABANDONED, RunOutcome.MISSED));

    private Outcomes() {
    }

    /**
     * @param what      the setting, for the message
     * @param outcomes  the outcomes to notify
     * @return an immutable copy
     * @throws IllegalArgumentException when empty or naming {@link RunOutcome#ALREADY_RUNNING},
     *     which is never reported to listeners
     */
    static Set<RunOutcome> validate(String what, Collection<RunOutcome> outcomes) {
        Objects.requireNonNull(outcomes, what);
        if (outcomes.isEmpty()) {
            throw new IllegalArgumentException(what + " must name at least one outcome");
        }
        EnumSet<RunOutcome> copy = EnumSet.noneOf(RunOutcome.class);
        for (RunOutcome outcome : outcomes) {
            Objects.requireNonNull(outcome, what + " must not contain null");
            if (outcome == RunOutcome.ALREADY_RUNNING) {
                throw new IllegalArgumentException(what + " must not contain ALREADY_RUNNING: listeners never hear of it");
            }
            copy.add(outcome);
        }
        return Set.copyOf(copy);
    }

    /** @return the event name of a run with this outcome, e.g. {@code run.lease_lost} */
    static String event(RunOutcome outcome) {
        return "run." + outcome.wireName();
    }

    /** @return how a log line says that a run ended so, e.g. "lost its lease" */
    static String verb(RunOutcome outcome) {
        return switch (outcome) {
            case SUCCEEDED -> "succeeded";
            case FAILED -> "failed";
            case TIMED_OUT -> "timed out";
            case CANCELLED -> "was cancelled";
            case LEASE_LOST -> "lost its lease";
            case SKIPPED -> "was skipped";
            case ALREADY_RUNNING -> "found another run holding the lease";
            case ABANDONED -> "was abandoned";
            case MISSED -> "was missed";
        };
    }

    /** @return the text with line breaks and other control characters replaced by spaces (one log line) */
    static String oneLine(String text) {
        if (text == null) {
            return "";
        }
        StringBuilder out = new StringBuilder(text.length());
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            out.append(Character.isISOControl(c) ? ' ' : c);
        }
        return out.toString();
    }
}
