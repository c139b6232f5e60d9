package dev.pipelinesdk.core.config;

import dev.pipelinesdk.core.config.internal.Masking;
import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.Locale;
import java.util.Objects;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * The Postgres database of {@code DATABASE_URL} as a JDBC URL plus user and password. Immutable.
 * Accepts {@code jdbc:postgresql://host[:port]/database[?options]} (kept as written; a
 * {@code user:password@} before the host is moved out of it, since the driver does not read it)
 * and the {@code postgres://user:password@host[:port]/database[?options]} form many platforms
 * give (also {@code postgresql://}), which becomes {@code jdbc:postgresql://host[:port]/database[?options]}
 * with the user and password percent-decoded. {@link #toString()} masks the password, including a
 * {@code password=} option of the JDBC URL.
 */
public final class DatabaseUrl {

    static final String ACCEPTED = "jdbc:postgresql://host[:port]/database[?options],"
            + " postgres://user:password@host[:port]/database[?options] or postgresql://...";

    private static final String JDBC = "jdbc:postgresql://";
    private static final Pattern HOST = Pattern.compile("[A-Za-z0-9_]([A-Za-z0-9_.-]*)|\\[[0-9A-Fa-f:.]+]");

    private final String jdbcUrl;
    private final String user;
    private final String password;

    private DatabaseUrl(String jdbcUrl, String user, String password) {
        this.jdbcUrl = jdbcUrl;
        this.user = user;
        this.password = password;
    }

    /**
     * @param variable the variable the value comes from, for messages
     * @param value    the URL, stripped, not blank
     * @return the parsed URL
     * @throws ConfigException naming the variable, the masked value and the accepted forms
     */
    static DatabaseUrl parse(String variable, String value) {
        String lower = value.toLowerCase(Locale.ROOT);
        String rest;
        boolean jdbc = lower.startsWith(JDBC);
        if (jdbc) {
            rest = value.substring(JDBC.length());
        } else if (lower.startsWith("postgres://") || lower.startsWith("postgresql://")) {
            rest = value.substring(value.indexOf("://") + 3);
        } else {
            throw invalid(variable, value, "is not a PostgreSQL URL");
        }
        // postgres://: a password may hold '/', '?' or '@' unencoded, so the last '@' ends the user info;
        // jdbc:postgresql:// carries no user info, so an '@' in its options is left alone
        int at = jdbc ? lastAtOfAuthority(rest) : rest.lastIndexOf('@');
        String userInfo = at < 0 ? null : rest.substring(0, at);
        String hostAndPath = rest.substring(at + 1);
        int pathStart = indexOfAny(hostAndPath, "/?");
        String authority = pathStart < 0 ? hostAndPath : hostAndPath.substring(0, pathStart);
        String path = pathStart < 0 ? "" : hostAndPath.substring(pathStart);
        checkHosts(variable, value, authority);

        String user = null;
        String password = null;
        if (userInfo != null) {
            int colon = userInfo.indexOf(':');
            user = decode(variable, value, colon < 0 ? userInfo : userInfo.substring(0, colon), "user name");
            password = colon < 0 ? null : decode(variable, value, userInfo.substring(colon + 1), "password");
            if (user.isEmpty()) {
                throw invalid(variable, value, "has a password but no user name");
            }
            if (password != null && password.isEmpty()) {
                password = null;
            }
        }
        String jdbcUrl = jdbc && userInfo == null ? value
                : JDBC + authority + (path.startsWith("/") ? path : "/" + path);
        if (org.postgresql.Driver.parseURL(jdbcUrl, null) == null) {
            throw invalid(variable, value, "is not accepted by the PostgreSQL driver");
        }
        return new DatabaseUrl(jdbcUrl, user, password);
    }

    private static int lastAtOfAuthority(String rest) {
        int end = indexOfAny(rest, "/?");
        return rest.lastIndexOf('@', end < 0 ? rest.length() : end);
    }

    private static int indexOfAny(String s, String chars) {
        for (int i = 0; i < s.length(); i++) {
            if (chars.indexOf(s.charAt(i)) >= 0) {
                return i;
            }
        }
        return -1;
    }

    private static void checkHosts(String variable, String value, String authority) {
        if (authority.isEmpty()) {
            throw invalid(variable, value, "has no host");
        }
        for (String hostPort : authority.split(",", -1)) {
            int colon = hostPort.lastIndexOf(':');
            if (colon >= 0 && hostPort.lastIndexOf(']') > colon) {
                colon = -1; // a colon inside [IPv6]
            }
            String host = colon < 0 ? hostPort : hostPort.substring(0, colon);
            if (!HOST.matcher(host).matches()) {
                // parts of the value are not echoed: with an unusual password, they could hold some of it
                throw invalid(variable, value, "has a host that is not a name or an [IPv6] address");
            }
            if (colon >= 0) {
                String port = hostPort.substring(colon + 1);
                if (!port.matches("[0-9]{1,5}") || Integer.parseInt(port) < 1 || Integer.parseInt(port) > 65535) {
                    throw invalid(variable, value, "has a port that is not a number in 1-65535");
                }
            }
        }
    }

    private static String decode(String variable, String value, String text, String what) {
        if (text.indexOf('%') < 0) {
            return text;
        }
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            if (c == '%') {
                int hi = i + 2 < text.length() ? Character.digit(text.charAt(i + 1), 16) : -1;
                int lo = hi < 0 ? -1 : Character.digit(text.charAt(i + 2), 16);
                if (lo < 0) {
                    throw invalid(variable, value, "has a '%' in the " + what + " that is not followed by two hex digits"
                            + " (write %25 for a literal '%')");
                }
                bytes.write(hi * 16 + lo);
                i += 2;
            } else {
                byte[] utf8 = String.valueOf(c).getBytes(StandardCharsets.UTF_8);
                bytes.write(utf8, 0, utf8.length);
            }
        }
        try {
            return StandardCharsets.UTF_8.newDecoder().onMalformedInput(CodingErrorAction.REPORT)
                    .decode(ByteBuffer.wrap(bytes.toByteArray())).toString();
        } catch (CharacterCodingException e) {
            throw invalid(variable, value, "has percent-escapes in the " + what + " that are not UTF-8");
        }
    }

    private static ConfigException invalid(String variable, String value, String problem) {
        return new ConfigException(variable, variable + "=" + Masking.quote(Masking.maskUrl(value)) + " " + problem
                + "; expected " + ACCEPTED);
    }

    /** @return the JDBC URL, without user info; it may hold a {@code password=} option as written */
    public String jdbcUrl() {
        return jdbcUrl;
    }

    /** @return the user name from the URL's user info, decoded; empty when the URL has none */
    public Optional<String> user() {
        return Optional.ofNullable(user);
    }

    /** @return the password from the URL's user info, decoded; empty when the URL has none */
    public Optional<String> password() {
        return Optional.ofNullable(password);
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof DatabaseUrl other && jdbcUrl.equals(other.jdbcUrl) && Objects.equals(user, other.user)
                && Objects.equals(password, other.password);
    }

    @Override
    public int hashCode() {
        return Objects.hash(jdbcUrl, user, password);
    }

    /** @return the JDBC URL and user, password masked, e.g. {@code jdbc:postgresql://db:5432/app (user app, password ***)} */
    @Override
    public String toString() {
        String masked = Masking.maskPasswordOptions(jdbcUrl);
        if (user == null) {
            return masked;
        }
        return masked + " (user " + user + (password == null ? "" : ", password " + Masking.MASK) + ")";
    }
}
