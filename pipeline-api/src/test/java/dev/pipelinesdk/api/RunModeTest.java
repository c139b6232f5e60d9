package dev.pipelinesdk.api;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import org.junit.jupiter.api.Test;

class RunModeTest {

    private static final List<String> PHASES = List.of("download", "match", "problems", "import");

    @Test
    void parse_readsEachFormAndPrintsItBack() {
        assertThat(RunMode.parse("full")).isEqualTo(RunMode.full());
        assertThat(RunMode.parse("from:match")).isEqualTo(RunMode.from("match"));
        assertThat(RunMode.parse("only:match, import")).isEqualTo(RunMode.only("match", "import"));
        assertThat(RunMode.parse("only:match,import").toString()).isEqualTo("only:match,import");
        assertThat(RunMode.from("match").toString()).isEqualTo("from:match");
    }

    @Test
    void select_choosesPhasesInPipelineOrder() {
        assertThat(RunMode.full().select(PHASES)).isEqualTo(PHASES);
        assertThat(RunMode.from("problems").select(PHASES)).containsExactly("problems", "import");
        assertThat(RunMode.only("import", "download").select(PHASES)).containsExactly("download", "import");
    }

    @Test
    void invalidModesAreRejectedWithTheTextAndTheAcceptedForms() {
        assertThatThrownBy(() -> RunMode.parse("partial")).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("'partial'").hasMessageContaining("from:PHASE");
        assertThatThrownBy(() -> RunMode.parse("only:")).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("'only:'");
        assertThatThrownBy(() -> RunMode.parse("only:a,a")).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("twice");
        assertThatThrownBy(() -> RunMode.from("nope").select(PHASES)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("'nope'").hasMessageContaining("download, match, problems, import");
    }

    @Test
    void enumsUseLowerCaseWireNames() {
        assertThat(RunState.TIMED_OUT.wireName()).isEqualTo("timed_out");
        assertThat(RunState.fromWire("timed_out")).isEqualTo(RunState.TIMED_OUT);
        assertThat(Trigger.fromWire("scheduled")).isEqualTo(Trigger.SCHEDULED);
        assertThat(RunOutcome.LEASE_LOST.state()).isEqualTo(RunState.CANCELLED);
        assertThatThrownBy(() -> Trigger.fromWire("cron")).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("'cron'").hasMessageContaining("scheduled, manual, cli, http, test");
    }

    @Test
    void phaseResultAndNamesValidate() {
        assertThat(PhaseResult.done().skipRest()).isFalse();
        assertThat(PhaseResult.skipRest("unchanged").skipReason()).isEqualTo("unchanged");
        assertThatThrownBy(() -> PhaseResult.skipRest(" ")).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> Phase.of("has space", ctx -> { })).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("'has space'");
        assertThat(Names.requirePipeline("stops-2")).isEqualTo("stops-2");
        assertThatThrownBy(() -> Names.requirePipeline("a".repeat(65))).isInstanceOf(IllegalArgumentException.class);
    }
}
