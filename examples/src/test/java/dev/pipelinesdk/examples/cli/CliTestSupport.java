package dev.pipelinesdk.examples.cli;

import dev.pipelinesdk.core.testing.PostgresServer;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;

/** Runs the command line in this JVM and keeps what it printed. */
final class CliTestSupport {

    record Result(int code, String out, String err) {
        @Override
        public String toString() {
            return "exit " + code + "\n--- stdout ---\n" + out + "\n--- stderr ---\n" + err;
        }
    }

    private CliTestSupport() {
    }

    static Result run(Map<String, String> env, Path cwd, String... args) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        int code = new Cli(env, cwd, new PrintStream(out, true, StandardCharsets.UTF_8),
                new PrintStream(err, true, StandardCharsets.UTF_8)).run(args);
        return new Result(code, out.toString(StandardCharsets.UTF_8), err.toString(StandardCharsets.UTF_8));
    }

    /** The environment of a service on a test database, with the given sources. */
    static Map<String, String> env(PostgresServer.Database db, Path sources) {
        Map<String, String> env = new HashMap<>();
        String url = db.jdbcUrl() + (db.jdbcUrl().contains("?") ? "&" : "?") + "user=" + db.user()
                + (db.password() == null ? "" : "&password=" + db.password());
        env.put("DATABASE_URL", url);
        env.put("ATLAS_SOURCE_URL", sources.resolve("registry.csv").toUri().toString());
        env.put("OSM_SOURCE_URL", sources.resolve("osm.json").toUri().toString());
        env.put("PIPELINE_LOG_LEVEL", "WARN");
        return env;
    }
}
