package dev.pipelinesdk.api;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.Random;
import java.util.function.Function;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/** The name rules, checked against the regular expressions that state them. */
class NamesTest {

    private static final String ALPHABET = "azAZ09_-.:/ é\u0000\n";

    @Test
    void eachRuleAcceptsExactlyWhatItsRegularExpressionMatches() {
        assertSameAs(Pattern.compile("[a-z0-9][a-z0-9_-]{0,63}"), Names::requirePipeline);
        assertSameAs(Pattern.compile("[A-Za-z0-9][A-Za-z0-9_.-]{0,63}"), Names::requirePhase);
        assertSameAs(Pattern.compile("[A-Za-z0-9][A-Za-z0-9_-]{0,127}"), id -> Names.requireId(id, "run id"));
    }

    @Test
    void lengthBoundsAreExact() {
        assertThat(Names.requirePipeline("a".repeat(64))).hasSize(64);
        assertThatThrownBy(() -> Names.requirePipeline("a".repeat(65))).isInstanceOf(IllegalArgumentException.class);
        assertThat(Names.requirePhase("A.".repeat(32))).hasSize(64);
        assertThatThrownBy(() -> Names.requirePhase("A".repeat(65))).isInstanceOf(IllegalArgumentException.class);
        assertThat(Names.requireId("Z-".repeat(64), "run id")).hasSize(128);
        assertThatThrownBy(() -> Names.requireId("Z".repeat(129), "run id")).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void aRefusalNamesTheValueAndTheRule() {
        assertThatThrownBy(() -> Names.requirePipeline("Stops"))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("Invalid pipeline name 'Stops': expected 1-64 characters of a-z, 0-9, '_' and '-',"
                        + " starting with a letter or digit");
        assertThatThrownBy(() -> Names.requireId(null, "owner")).hasMessageStartingWith("Invalid owner null: expected");
        assertThatThrownBy(() -> Names.requirePhase("")).hasMessageStartingWith("Invalid phase name '': expected");
    }

    private static void assertSameAs(Pattern rule, Function<String, String> check) {
        Random random = new Random(42);
        int accepted = 0;
        for (int i = 0; i < 20_000; i++) {
            int length = random.nextInt(4) == 0 ? 60 + random.nextInt(75) : random.nextInt(6);
            StringBuilder b = new StringBuilder();
            for (int k = 0; k < length; k++) {
                // mostly valid characters, so that long valid names occur too
                b.append(random.nextInt(10) == 0 ? ALPHABET.charAt(random.nextInt(ALPHABET.length()))
                        : "abz09AZ_-.".charAt(random.nextInt(10)));
            }
            String value = b.toString();
            boolean expected = rule.matcher(value).matches();
            boolean actual;
            try {
                actual = value.equals(check.apply(value));
            } catch (IllegalArgumentException e) {
                actual = false;
            }
            assertThat(actual).as("'%s' against %s", value, rule).isEqualTo(expected);
            accepted += expected ? 1 : 0;
        }
        assertThat(accepted).as("accepted samples for " + rule).isGreaterThan(200);
    }
}
