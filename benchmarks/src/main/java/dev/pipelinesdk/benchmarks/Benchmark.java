package dev.pipelinesdk.benchmarks;

import java.util.List;

/** One benchmark of docs/benchmarks.md. */
public interface Benchmark {

    /** @return a short id used on the command line, e.g. {@code redis-lease} */
    String id();

    /** @return the section title */
    String title();

    /** @return how it measures: the subject, the baseline, the rounds (one paragraph of Markdown) */
    String method();

    /**
     * @param env the servers and directories, started on demand
     * @return the figures
     * @throws Exception when it cannot run
     */
    List<Figure> run(Environment env) throws Exception;
}
