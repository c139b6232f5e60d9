package dev.pipelinesdk.core.jdbc;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
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
        System.out.println("READY");
        System.out.flush();
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
        while (!Files.exists(go)) {
            if (System.nanoTime() > deadline) {
                throw new IllegalStateException("no go file " + go + " within 60 s");
            }
            Thread.sleep(2);
        }
        MigrationResult result = SchemaMigrations.migrate(ds);
        System.out.println("RESULT " + result.applied() + " " + result.currentVersion());
        System.out.flush();
    }
}
