package dev.pipelinesdk.examples;

import dev.pipelinesdk.core.config.ConfigException;
import dev.pipelinesdk.core.config.PipelineConfig;
import dev.pipelinesdk.core.config.internal.Masking;
import java.nio.file.Path;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/**
 * The example service's settings: the SDK's variables ({@link PipelineConfig}) plus the stops
 * pipeline's own. Immutable. Every bad value stops with a one-line {@link ConfigException}.
 *
 * <table>
 *   <caption>Variables of the example (besides those of {@link PipelineConfig})</caption>
 *   <tr><th>variable</th><th>accepted</th><th>default</th></tr>
 *   <tr><td>{@code ATLAS_SOURCE_URL}</td><td>{@code file:}, {@code http://} or {@code https://} URL of the
 *       registry CSV; set together with {@code OSM_SOURCE_URL}</td><td>generated data in
 *       {@code ./pipeline-data/sources}</td></tr>
 *   <tr><td>{@code OSM_SOURCE_URL}</td><td>the same, for the OpenStreetMap JSON</td><td>generated data</td></tr>
 *   <tr><td>{@code STOPS_MATCH_RADIUS_M}</td><td>metres, a number from 1 to 5000</td><td>{@code 50}</td></tr>
 *   <tr><td>{@code STOPS_MAX_PROBLEM_RATIO}</td><td>a number from 0 to 1</td><td>{@code 0.5}</td></tr>
 *   <tr><td>{@code PIPELINE_HTTP_PORT}</td><td>a TCP port, 1 to 65535, or 0 for any free one</td><td>{@code 5001}</td></tr>
 *   <tr><td>{@code PIPELINE_API_TOKEN}</td><td>at least 16 characters, no white space</td><td>unset: manual
 *       triggers over HTTP are refused</td></tr>
 * </table>
 */
public final class ExampleConfig {

    /** The registry CSV's URL. */
    public static final String ATLAS_SOURCE_URL = "ATLAS_SOURCE_URL";
    /** The OpenStreetMap JSON's URL. */
    public static final String OSM_SOURCE_URL = "OSM_SOURCE_URL";
    /** The matching radius in metres. */
    public static final String MATCH_RADIUS = "STOPS_MATCH_RADIUS_M";
    /** The problem ratio above which a run fails before its import. */
    public static final String MAX_PROBLEM_RATIO = "STOPS_MAX_PROBLEM_RATIO";
    /** The HTTP port of the scheduler's status API. */
    public static final String HTTP_PORT = "PIPELINE_HTTP_PORT";
    /** The bearer token of the HTTP API's write endpoints. */
    public static final String API_TOKEN = "PIPELINE_API_TOKEN";

    /** The matching radius when {@code STOPS_MATCH_RADIUS_M} is not set. */
    public static final double DEFAULT_RADIUS_M = 50;
    /** The problem-ratio gate when {@code STOPS_MAX_PROBLEM_RATIO} is not set. */
    public static final double DEFAULT_MAX_PROBLEM_RATIO = 0.5;
    /** The HTTP port when {@code PIPELINE_HTTP_PORT} is not set. */
    public static final int DEFAULT_HTTP_PORT = 5001;
    /** The shortest accepted API token. */
    public static final int MIN_TOKEN_LENGTH = 16;
    /** The directory, under the working directory, that holds everything the service keeps. */
    public static final String DATA_DIR = "pipeline-data";

    private final PipelineConfig pipeline;
    private final SourceUrl atlasSource;
    private final SourceUrl osmSource;
    private final double radiusMetres;
    private final double maxProblemRatio;
    private final int httpPort;
    private final String apiToken;
    private final Path dataDir;

    private ExampleConfig(PipelineConfig pipeline, SourceUrl atlasSource, SourceUrl osmSource, double radiusMetres,
                          double maxProblemRatio, int httpPort, String apiToken, Path dataDir) {
        this.pipeline = pipeline;
        this.atlasSource = atlasSource;
        this.osmSource = osmSource;
        this.radiusMetres = radiusMetres;
        this.maxProblemRatio = maxProblemRatio;
        this.httpPort = httpPort;
        this.apiToken = apiToken;
        this.dataDir = dataDir;
    }

    /**
     * @param env        the environment variables
     * @param workingDir the directory {@code ./pipeline-data} and relative paths are resolved against
     * @return the settings
     * @throws ConfigException on the first bad value, in one line
     */
    public static ExampleConfig from(Map<String, String> env, Path workingDir) {
        Objects.requireNonNull(env, "env");
        Path cwd = workingDir.toAbsolutePath().normalize();
        PipelineConfig pipeline = PipelineConfig.from(env);
        String atlas = value(env, ATLAS_SOURCE_URL);
        String osm = value(env, OSM_SOURCE_URL);
        if ((atlas == null) != (osm == null)) {
            String set = atlas == null ? OSM_SOURCE_URL : ATLAS_SOURCE_URL;
            String unset = atlas == null ? ATLAS_SOURCE_URL : OSM_SOURCE_URL;
            throw new ConfigException(unset, set + " is set but " + unset + " is not; set both (the registry CSV and"
                    + " the OpenStreetMap JSON) or neither (generated sample data)");
        }
        SourceUrl atlasSource = atlas == null ? null : SourceUrl.parse(ATLAS_SOURCE_URL, atlas, cwd);
        SourceUrl osmSource = osm == null ? null : SourceUrl.parse(OSM_SOURCE_URL, osm, cwd);
        double radius = number(env, MATCH_RADIUS, DEFAULT_RADIUS_M, 1, 5000, "metres from 1 to 5000, e.g. 50");
        double ratio = number(env, MAX_PROBLEM_RATIO, DEFAULT_MAX_PROBLEM_RATIO, 0, 1, "a number from 0 to 1, e.g. 0.5");
        int port = port(value(env, HTTP_PORT));
        String token = token(env.get(API_TOKEN));
        return new ExampleConfig(pipeline, atlasSource, osmSource, radius, ratio, port, token, cwd.resolve(DATA_DIR));
    }

    private static String value(Map<String, String> env, String name) {
        String v = env.get(name);
        return v == null || v.isBlank() ? null : v.strip();
    }

    private static ConfigException invalid(String variable, String value, String problem, String accepted) {
        return new ConfigException(variable, variable + "=" + Masking.quote(value) + " " + problem + "; expected " + accepted);
    }

    private static double number(Map<String, String> env, String variable, double fallback, double min, double max,
                                 String accepted) {
        String value = value(env, variable);
        if (value == null) {
            return fallback;
        }
        double parsed;
        try {
            parsed = Double.parseDouble(value);
        } catch (NumberFormatException e) {
            throw invalid(variable, value, "is not a number", accepted);
        }
        if (!Double.isFinite(parsed) || parsed < min || parsed > max) {
            throw invalid(variable, value, "is out of range", accepted);
        }
        return parsed;
    }

    private static int port(String value) {
        if (value == null) {
            return DEFAULT_HTTP_PORT;
        }
        String accepted = "a TCP port from 1 to 65535, e.g. 5001, or 0 for any free port";
        int port;
        try {
            port = Integer.parseInt(value);
        } catch (NumberFormatException e) {
            throw invalid(HTTP_PORT, value, "is not a whole number", accepted);
        }
        if (port < 0 || port > 65535) {
            throw invalid(HTTP_PORT, value, "is out of range", accepted);
        }
        return port;
    }

    private static String token(String raw) {
        if (raw == null || raw.isBlank()) {
            return null;
        }
        String token = raw.strip();
        // never show the token itself, only what is wrong with it
        if (token.chars().anyMatch(Character::isWhitespace)) {
            throw new ConfigException(API_TOKEN, API_TOKEN + " contains white space; expected at least "
                    + MIN_TOKEN_LENGTH + " characters without white space, e.g. from `openssl rand -hex 32`");
        }
        if (token.length() < MIN_TOKEN_LENGTH) {
            throw new ConfigException(API_TOKEN, API_TOKEN + " is " + token.length() + " characters long; expected at"
                    + " least " + MIN_TOKEN_LENGTH + " characters, e.g. from `openssl rand -hex 32`");
        }
        return token;
    }

    /** @return the SDK's settings: schedule, zone, log level, state backend, database */
    public PipelineConfig pipeline() {
        return pipeline;
    }

    /** @return the registry CSV's source; empty means generated sample data */
    public Optional<SourceUrl> atlasSource() {
        return Optional.ofNullable(atlasSource);
    }

    /** @return the OpenStreetMap JSON's source; empty means generated sample data */
    public Optional<SourceUrl> osmSource() {
        return Optional.ofNullable(osmSource);
    }

    /** @return the matching radius in metres; 50 by default */
    public double radiusMetres() {
        return radiusMetres;
    }

    /** @return the problem ratio above which a run fails before its import; 0.5 by default */
    public double maxProblemRatio() {
        return maxProblemRatio;
    }

    /** @return the HTTP port; 5001 by default */
    public int httpPort() {
        return httpPort;
    }

    /** @return the API token (never log it); empty means write endpoints are refused */
    public Optional<String> apiToken() {
        return Optional.ofNullable(apiToken);
    }

    /** @return {@code ./pipeline-data} of the working directory, absolute */
    public Path dataDir() {
        return dataDir;
    }

    /** @return every setting on one line, secrets masked */
    @Override
    public String toString() {
        return "ExampleConfig[" + pipeline + ", atlasSource=" + (atlasSource == null ? "generated" : atlasSource)
                + ", osmSource=" + (osmSource == null ? "generated" : osmSource) + ", radiusMetres=" + radiusMetres
                + ", maxProblemRatio=" + maxProblemRatio + ", httpPort=" + httpPort
                + ", apiToken=" + (apiToken == null ? "unset" : Masking.MASK) + ", dataDir=" + dataDir + "]";
    }
}
