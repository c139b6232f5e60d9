package dev.pipelinesdk.core.jdbc.internal;

import java.lang.reflect.Method;
import java.util.regex.Pattern;
import javax.sql.DataSource;
import org.postgresql.ds.common.BaseDataSource;

/**
 * Database locations for messages and logs, with secrets masked. Not part of the API.
 */
public final class JdbcUrls {

    /** What a masked secret reads as. */
    public static final String MASK = "***";

    // password=..., sslpassword=... up to the next parameter separator
    private static final Pattern SECRET_PARAM = Pattern.compile("(?i)([?&;](?:[a-z_.-]*password)=)[^&;]*");
    // scheme://user:secret@host
    private static final Pattern USER_INFO = Pattern.compile("(//[^/?#@:]*:)[^/?#@]*@");

    private JdbcUrls() {
    }

    /**
     * @param url a JDBC (or {@code postgres://}) URL, may be {@code null}
     * @return the URL with every password parameter and the password of {@code user:password@}
     *     replaced by {@value #MASK}
     */
    public static String mask(String url) {
        if (url == null) {
            return null;
        }
        String masked = SECRET_PARAM.matcher(url).replaceAll("$1" + MASK);
        return USER_INFO.matcher(masked).replaceAll("$1" + MASK + "@");
    }

    /**
     * Describes where a data source connects, for error messages, without connecting: for a
     * PostgreSQL data source its hosts, database, user and whether it has a password
     * ({@code password=***}); for a pool that exposes {@code getJdbcUrl()}/{@code getUrl()} that URL,
     * masked; otherwise the data source's class.
     *
     * @param dataSource a data source
     * @return its masked URL or a description
     */
    public static String describe(DataSource dataSource) {
        if (dataSource instanceof BaseDataSource pg) {
            return describe(pg);
        }
        for (String getter : new String[] {"getJdbcUrl", "getUrl", "getURL"}) {
            try {
                Method m = dataSource.getClass().getMethod(getter);
                if (m.getReturnType() == String.class) {
                    Object url = m.invoke(dataSource);
                    if (url != null) {
                        return mask(url.toString());
                    }
                }
            } catch (ReflectiveOperationException | RuntimeException e) {
                // not this kind of pool
            }
        }
        return "a " + dataSource.getClass().getName();
    }

    /** pgjdbc's own URL lists every driver property; this names only host, port, database and user. */
    private static String describe(BaseDataSource pg) {
        StringBuilder url = new StringBuilder("jdbc:postgresql://");
        String[] hosts = pg.getServerNames();
        int[] ports = pg.getPortNumbers();
        for (int i = 0; i < hosts.length; i++) {
            if (i > 0) {
                url.append(',');
            }
            url.append(hosts[i]);
            int port = ports != null && ports.length > 0 ? ports[Math.min(i, ports.length - 1)] : 0;
            if (port > 0) {
                url.append(':').append(port);
            }
        }
        url.append('/').append(pg.getDatabaseName() == null ? "" : pg.getDatabaseName());
        String sep = "?";
        if (pg.getUser() != null) {
            url.append(sep).append("user=").append(pg.getUser());
            sep = "&";
        }
        if (pg.getPassword() != null) {
            url.append(sep).append("password=").append(MASK);
        }
        return url.toString();
    }
}
