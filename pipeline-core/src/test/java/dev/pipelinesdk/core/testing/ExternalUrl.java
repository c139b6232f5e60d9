package dev.pipelinesdk.core.testing;

import dev.pipelinesdk.core.jdbc.internal.JdbcUrls;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Properties;
import org.postgresql.Driver;

/**
 * A PostgreSQL JDBC URL split into what {@link PostgresServer} needs to point at other databases
 * on the same server: hosts, parameters without credentials, user, password, database.
 */
record ExternalUrl(String hosts, String params, String user, String password, String database) {

    private static final String PREFIX = "jdbc:postgresql:";

    /**
     * @param url      a JDBC URL such as {@code jdbc:postgresql://db:5432/postgres?user=u&password=p}
     * @param variable where it came from, for the message
     * @return its parts
     * @throws IllegalArgumentException naming the variable and the (masked) URL
     */
    static ExternalUrl parse(String url, String variable) {
        Properties props = url.startsWith(PREFIX) ? Driver.parseURL(url, null) : null;
        if (props == null) {
            throw new IllegalArgumentException("Invalid " + variable + " '" + JdbcUrls.mask(url)
                    + "': expected jdbc:postgresql://HOST[:PORT]/DATABASE[?user=USER&password=PASSWORD]");
        }
        int q = url.indexOf('?');
        String base = q < 0 ? url : url.substring(0, q);
        List<String> kept = new ArrayList<>();
        if (q >= 0) {
            for (String param : url.substring(q + 1).split("&")) {
                String key = param.split("=", 2)[0].toLowerCase(Locale.ROOT);
                if (!param.isEmpty() && !key.equals("user") && !key.equals("password")) {
                    kept.add(param);
                }
            }
        }
        String hosts;
        String database;
        if (base.startsWith(PREFIX + "//")) {
            String rest = base.substring(PREFIX.length() + 2);
            int slash = rest.indexOf('/');
            hosts = slash < 0 ? rest : rest.substring(0, slash);
            database = slash < 0 ? "" : rest.substring(slash + 1);
        } else {
            hosts = "localhost:5432";
            database = base.substring(PREFIX.length());
        }
        return new ExternalUrl(hosts, String.join("&", kept), props.getProperty("user"), props.getProperty("password"),
                database.isEmpty() ? "postgres" : database);
    }

    /** @return the parts, never the password */
    @Override
    public String toString() {
        return "ExternalUrl[" + hosts + "/" + database + " as " + user + "]";
    }
}
