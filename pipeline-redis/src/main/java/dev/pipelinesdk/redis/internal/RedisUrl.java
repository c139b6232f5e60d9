package dev.pipelinesdk.redis.internal;

import io.lettuce.core.RedisURI;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A parsed {@code REDIS_URL}: {@code redis://[[user]:password@]host[:port][/db]} or the same with
 * {@code rediss://} (TLS). The password is kept only to connect; {@link #masked()} and
 * {@link #redact(String)} make strings safe to log. Immutable.
 */
public final class RedisUrl {

    /** The forms accepted, for error messages. */
    public static final String ACCEPTED = "redis://[[user]:password@]host[:port][/db]"
            + " or rediss://[[user]:password@]host[:port][/db]"
            + " (rediss = TLS; port defaults to 6379, db to 0; percent-encode '@', ':' and '/' in the user name)";

    private static final Pattern HOST = Pattern.compile("[A-Za-z0-9]([A-Za-z0-9_.-]{0,252})?");
    private static final Pattern IPV6 = Pattern.compile("\\[([0-9A-Fa-f:.]{2,45})]");
    private static final Pattern DIGITS = Pattern.compile("[0-9]{1,10}");
    private static final Pattern PERCENT = Pattern.compile("%([0-9A-Fa-f]{2})");
    private static final String MASK = "***";

    private final boolean tls;
    private final String host;
    private final int port;
    private final int database;
    private final String username;
    private final String password;
    private final String rawPassword;

    private RedisUrl(boolean tls, String host, int port, int database, String username, String password,
                     String rawPassword) {
        this.tls = tls;
        this.host = host;
        this.port = port;
        this.database = database;
        this.username = username;
        this.password = password;
        this.rawPassword = rawPassword;
    }

    /**
     * @param url a Redis URL
     * @return the parsed URL
     * @throws IllegalArgumentException naming the URL (password masked) and the accepted forms
     */
    public static RedisUrl parse(String url) {
        if (url == null || url.isBlank()) {
            throw new IllegalArgumentException("Redis URL is " + (url == null ? "null" : "blank")
                    + ": expected " + ACCEPTED);
        }
        String trimmed = url.strip();
        int schemeEnd = trimmed.indexOf("://");
        String scheme = schemeEnd < 0 ? "" : trimmed.substring(0, schemeEnd).toLowerCase(Locale.ROOT);
        boolean tls;
        if (scheme.equals("redis")) {
            tls = false;
        } else if (scheme.equals("rediss")) {
            tls = true;
        } else {
            throw invalid(trimmed, "the scheme must be redis:// or rediss://");
        }
        String rest = trimmed.substring(schemeEnd + 3);
        // the path (/db) never holds '@', so the last '@' ends the user info, even when an
        // unencoded password contains '@' or '/'
        int at = rest.lastIndexOf('@');
        String userInfo = at < 0 ? null : rest.substring(0, at);
        String hostPart = at < 0 ? rest : rest.substring(at + 1);

        String username = null;
        String password = null;
        String rawPassword = null;
        if (userInfo != null) {
            int colon = userInfo.indexOf(':');
            if (colon < 0) {
                throw invalid(trimmed, "the user info has no ':' before the password (write redis://:password@host)");
            }
            String user = decode(userInfo.substring(0, colon));
            rawPassword = userInfo.substring(colon + 1);
            password = decode(rawPassword);
            if (password.isEmpty()) {
                if (!user.isEmpty()) {
                    throw invalid(trimmed, "user '" + user + "' has an empty password");
                }
                password = null;
                rawPassword = null;
            }
            username = user.isEmpty() ? null : user;
        }

        int slash = hostPart.indexOf('/');
        String authority = slash < 0 ? hostPart : hostPart.substring(0, slash);
        String path = slash < 0 ? "" : hostPart.substring(slash + 1);
        if (authority.contains("?") || path.contains("?") || authority.contains("#") || path.contains("#")) {
            throw invalid(trimmed, "query parameters and fragments are not supported");
        }

        String host;
        String portText = null;
        Matcher v6 = IPV6.matcher(authority);
        if (authority.startsWith("[")) {
            int close = authority.indexOf(']');
            if (close < 0 || !v6.region(0, close + 1).matches()) {
                throw invalid(trimmed, "the IPv6 host must be written [address]");
            }
            host = v6.group(1);
            String after = authority.substring(close + 1);
            if (!after.isEmpty()) {
                if (!after.startsWith(":")) {
                    throw invalid(trimmed, "unexpected '" + after + "' after the host");
                }
                portText = after.substring(1);
            }
        } else {
            int colon = authority.indexOf(':');
            host = colon < 0 ? authority : authority.substring(0, colon);
            portText = colon < 0 ? null : authority.substring(colon + 1);
            if (host.isEmpty()) {
                throw invalid(trimmed, "the host is missing");
            }
            if (!HOST.matcher(host).matches()) {
                throw invalid(trimmed, "'" + host + "' is not a host name or address");
            }
        }
        int port = 6379;
        if (portText != null) {
            port = number(trimmed, portText, "port");
            if (port < 1 || port > 65535) {
                throw invalid(trimmed, "port " + portText + " is not in 1-65535");
            }
        }
        int database = 0;
        if (!path.isEmpty()) {
            database = number(trimmed, path, "database number");
        }
        return new RedisUrl(tls, host, port, database, username, password, rawPassword);
    }

    private static int number(String url, String text, String what) {
        if (!DIGITS.matcher(text).matches() || Long.parseLong(text) > Integer.MAX_VALUE) {
            throw invalid(url, "the " + what + " '" + text + "' is not a non-negative number");
        }
        return Integer.parseInt(text);
    }

    private static IllegalArgumentException invalid(String url, String problem) {
        return new IllegalArgumentException("Invalid Redis URL '" + maskUnparsed(url) + "': " + problem
                + "; expected " + ACCEPTED);
    }

    /** Masks everything between the scheme and the last '@' of a URL that could not be parsed. */
    static String maskUnparsed(String url) {
        int at = url.lastIndexOf('@');
        if (at < 0) {
            return url;
        }
        int schemeEnd = url.indexOf("://");
        int start = schemeEnd < 0 || schemeEnd > at ? 0 : schemeEnd + 3;
        return url.substring(0, start) + MASK + url.substring(at);
    }

    /** Decodes {@code %XX} escapes (UTF-8); a '%' not followed by two hex digits stays as it is. */
    private static String decode(String s) {
        if (s.indexOf('%') < 0) {
            return s;
        }
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        Matcher m = PERCENT.matcher(s);
        int i = 0;
        while (i < s.length()) {
            if (s.charAt(i) == '%' && m.find(i) && m.start() == i) {
                out.write(Integer.parseInt(m.group(1), 16));
                i += 3;
            } else {
                int cp = s.codePointAt(i);
                byte[] bytes = new String(Character.toChars(cp)).getBytes(StandardCharsets.UTF_8);
                out.write(bytes, 0, bytes.length);
                i += Character.charCount(cp);
            }
        }
        return out.toString(StandardCharsets.UTF_8);
    }

    /** @return {@code true} for {@code rediss://} */
    public boolean tls() {
        return tls;
    }

    /** @return the host name or address (IPv6 without brackets) */
    public String host() {
        return host;
    }

    /** @return the port */
    public int port() {
        return port;
    }

    /** @return the database number */
    public int database() {
        return database;
    }

    /** @return the ACL user name, {@code null} for the default user */
    public String username() {
        return username;
    }

    /** @return {@code true} when the URL carries a password */
    public boolean hasPassword() {
        return password != null;
    }

    /** @return {@code host:port}, IPv6 hosts in brackets */
    public String hostPort() {
        return (host.indexOf(':') >= 0 ? "[" + host + "]" : host) + ":" + port;
    }

    /** @return the URL with any password replaced by {@code ***}, always with port and database */
    public String masked() {
        String userInfo = "";
        if (password != null) {
            userInfo = (username == null ? "" : username) + ":" + MASK + "@";
        }
        return (tls ? "rediss://" : "redis://") + userInfo + hostPort() + "/" + database;
    }

    /**
     * @param text any text, e.g. an exception message
     * @return the text with every occurrence of the password (as written in the URL and decoded)
     *     replaced by {@code ***}; {@code null} stays {@code null}
     */
    public String redact(String text) {
        if (text == null || password == null) {
            return text;
        }
        String out = text.replace(password, MASK);
        if (!rawPassword.equals(password)) {
            out = out.replace(rawPassword, MASK);
        }
        return out;
    }

    /**
     * @param text any text
     * @return {@code true} when the text contains the password
     */
    public boolean leaks(String text) {
        return text != null && password != null && (text.contains(password) || text.contains(rawPassword));
    }

    /**
     * @param commandTimeout the timeout of every command, also used for the connection handshake
     * @return the Lettuce URI, with the password
     */
    public RedisURI toRedisUri(Duration commandTimeout) {
        RedisURI.Builder b = RedisURI.builder().withHost(host).withPort(port).withDatabase(database).withSsl(tls)
                .withTimeout(commandTimeout).withClientName("pipeline-sdk");
        if (password != null) {
            if (username != null) {
                b.withAuthentication(username, password.toCharArray());
            } else {
                b.withPassword(password.toCharArray());
            }
        }
        return b.build();
    }

    /** @return {@link #masked()} */
    @Override
    public String toString() {
        return masked();
    }
}
