package dev.pipelinesdk.examples.pipeline;

import dev.pipelinesdk.api.Phase;
import dev.pipelinesdk.api.PhaseContext;
import dev.pipelinesdk.api.PhaseResult;
import dev.pipelinesdk.examples.stops.Problem;
import dev.pipelinesdk.examples.stops.ProblemFinder;
import dev.pipelinesdk.examples.stops.StopFiles;
import java.util.List;
import java.util.Locale;

/**
 * Phase 3: finds data-quality problems in the matches and gates the import: above the configured
 * problem ratio the run fails here, so the served data stays as it is. The problems file is
 * written only when the gate passes.
 */
final class ProblemsPhase implements Phase {

    static final String NAME = "problems";

    private final StopsLayout layout;
    private final double radiusMetres;
    private final double maxRatio;

    ProblemsPhase(StopsLayout layout, double radiusMetres, double maxRatio) {
        this.layout = layout;
        this.radiusMetres = radiusMetres;
        this.maxRatio = maxRatio;
    }

    @Override
    public String name() {
        return NAME;
    }

    @Override
    public PhaseResult run(PhaseContext ctx) throws Exception {
        StopsData data = ctx.get(StopsData.KEY).filter(d -> d.matches() != null).orElse(null);
        if (data == null) {
            ctx.message("Reading the sources and matches");
            data = StopsData.readMatched(layout);
        }
        ctx.message("Looking for problems");
        List<Problem> problems = new ProblemFinder(radiusMetres).find(data.registry(), data.osm(), data.matches());
        for (Problem p : problems) {
            ctx.count("problem_" + p.kind().wireName(), 1);
        }
        double ratio = ProblemFinder.problemRatio(data.registry(), problems);
        ctx.count("problems", problems.size());
        if (ratio > maxRatio) {
            throw new ProblemGateException(ratio, maxRatio, problems.size());
        }
        StopFiles.writeProblems(layout.problemsFile(), problems);
        ctx.message(String.format(Locale.ROOT, "Found %,d problems (ratio %.3f, limit %.3f)", problems.size(), ratio, maxRatio));
        return PhaseResult.done();
    }
}
