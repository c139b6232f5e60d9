package dev.pipelinesdk.core.jdbc;

import dev.pipelinesdk.api.testing.ChildJvm;
import java.nio.file.Path;
import org.postgresql.ds.PGSimpleDataSource;

/**
 * Child JVM for {@link SchemaMigrationsTest}: {@code MigrateMain URL USER GO_FILE} prints
 * {@code READY}, waits (at most 60 s) until GO_FILE exists, migrates, and prints
 * {@code RESULT <applied versions> <current version>}. A password comes in the system property
 * {@value #PASSWORD_PROPERTY}.
 */
public final class MigrateMain {

    /** The system property holding the password, if the server needs one. */
    public static final String PASSWORD_PROPERTY = "pipeline.test.db.password";

    private MigrateMain() {
    }

    /**
     * @param args the JDBC URL, the user, the file whose existence starts the migration
     * @throws Exception on any failure (exit code 1 and a stack trace)
     */
    public static void main(String[] args) throws Exception {
        PGSimpleDataSource ds = new PGSimpleDataSource();
        ds.setURL(args[0]);
        ds.setUser(args[1]);
        String password = System.getProperty(PASSWORD_PROPERTY);
        if (password != null) {
            ds.setPassword(password);
        }
        Path go = Path.of(args[2]);
        ChildJvm.readyThenAwait(go);
        MigrationResult result = SchemaMigrations.migrate(ds);
        System.out.println("RESULT " + result.applied() + " " + result.currentVersion());
        System.out.flush();
    }
}
