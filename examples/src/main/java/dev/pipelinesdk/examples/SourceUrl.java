package dev.pipelinesdk.examples;

import dev.pipelinesdk.core.config.ConfigException;
import dev.pipelinesdk.core.config.internal.Masking;
import java.net.URI;
import java.net.URISyntaxException;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.nio.file.InvalidPathException;
import java.nio.file.Path;
import java.util.Locale;
import java.util.Objects;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * Where a source of the stops pipeline comes from: a {@code file:} path or an {@code http:} /
 * {@code https:} URL. Immutable. {@link #toString()} never shows a password.
 */
public final class SourceUrl {

    private static final Pattern QUERY_VALUE = Pattern.compile("((?:^|&)[^=&]*=)[^&]*");

    static final String ACCEPTED = "expected file:/path/to/file (or file:relative/path), http://host/path or https://host/path";

    private final URI uri;
    private final Path file;

    private SourceUrl(URI uri, Path file) {
        this.uri = uri;
        this.file = file;
    }

    /**
     * @param file a local file
     * @return the source reading that file
     */
    public static SourceUrl ofFile(Path file) {
        Path absolute = file.toAbsolutePath().normalize();
        return new SourceUrl(absolute.toUri(), absolute);
    }

    /**
     * @param variable   the variable the value comes from, for messages
     * @param value      the URL as written
     * @param workingDir the directory a relative {@code file:} path is resolved against
     * @return the source
     * @throws ConfigException naming the variable, the value (password masked) and what is accepted
     */
    public static SourceUrl parse(String variable, String value, Path workingDir) {
        Objects.requireNonNull(variable, "variable");
        Objects.requireNonNull(value, "value");
        String lower = value.toLowerCase(Locale.ROOT);
        if (lower.startsWith("file:")) {
            String rest = value.substring("file:".length());
            if (rest.startsWith("//")) {
                try {
                    URI uri = new URI(value);
                    if (uri.getAuthority() != null && !uri.getAuthority().isEmpty()
                            && !"localhost".equalsIgnoreCase(uri.getAuthority())) {
                        throw invalid(variable, value, "names a remote host; only local files are read");
                    }
                    rest = uri.getPath();
                } catch (URISyntaxException e) {
                    throw invalid(variable, value, "is not a valid URL (" + e.getReason() + ")");
                }
            }
            if (rest == null || rest.isEmpty()) {
                throw invalid(variable, value, "has no path");
            }
            try {
                Path path = Path.of(rest);
                return ofFile(path.isAbsolute() ? path : workingDir.resolve(path));
            } catch (InvalidPathException e) {
                throw invalid(variable, value, "is not a valid path (" + e.getReason() + ")");
            }
        }
        if (lower.startsWith("http://") || lower.startsWith("https://")) {
            URI uri;
            try {
                uri = new URI(value);
            } catch (URISyntaxException e) {
                throw invalid(variable, value, "is not a valid URL (" + e.getReason() + ")");
            }
            if (uri.getHost() == null || uri.getHost().isEmpty()) {
                throw invalid(variable, value, "has no host");
            }
            return new SourceUrl(uri, null);
        }
        throw invalid(variable, value, "is not a file:, http: or https: URL");
    }

    private static ConfigException invalid(String variable, String value, String problem) {
        String shown = Masking.maskUrl(value);
        int query = shown.indexOf('?');
        if (query >= 0) {
            shown = shown.substring(0, query + 1) + QUERY_VALUE.matcher(shown.substring(query + 1)).replaceAll("$1" + Masking.MASK);
        }
        return new ConfigException(variable, variable + "=" + Masking.quote(shown) + " " + problem + "; " + ACCEPTED);
    }

    /** @return the URL; for a file, its absolute {@code file:} URI */
    public URI uri() {
        return uri;
    }

    /** @return the local file, when this is a {@code file:} source */
    public Optional<Path> file() {
        return Optional.ofNullable(file);
    }

    /** @return whether the source is fetched over HTTP(S) */
    public boolean isHttp() {
        return file == null;
    }

    /** @return the file name the source is shown by in messages (its last path segment) */
    public String shortName() {
        String path = uri.getPath();
        if (path == null || path.isEmpty() || path.endsWith("/")) {
            return toString();
        }
        return path.substring(path.lastIndexOf('/') + 1);
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof SourceUrl other && other.uri.equals(uri);
    }

    @Override
    public int hashCode() {
        return uri.hashCode();
    }

    /**
     * @return a stable identity of the full URL (credentials and query included), for telling
     *     whether a kept copy came from this source; never shown
     */
    public String key() {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256")
                    .digest(uri.toString().getBytes(StandardCharsets.UTF_8)));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is not available", e);
        }
    }

    /** @return a file's absolute path, or the URL with its password and query values masked */
    @Override
    public String toString() {
        if (file != null) {
            return file.toString();
        }
        StringBuilder b = new StringBuilder(uri.getScheme()).append("://");
        String userInfo = uri.getRawUserInfo();
        if (userInfo != null) {
            int colon = userInfo.indexOf(':');
            b.append(colon < 0 ? Masking.MASK : userInfo.substring(0, colon + 1) + Masking.MASK).append('@');
        }
        b.append(uri.getRawAuthority().substring(userInfo == null ? 0 : userInfo.length() + 1));
        b.append(uri.getRawPath() == null ? "" : uri.getRawPath());
        if (uri.getRawQuery() != null) {
            // query values often carry tokens (?access_token=, signed URLs): show the names only
            b.append('?').append(QUERY_VALUE.matcher(uri.getRawQuery()).replaceAll("$1" + Masking.MASK));
        }
        return b.toString();
    }

}
