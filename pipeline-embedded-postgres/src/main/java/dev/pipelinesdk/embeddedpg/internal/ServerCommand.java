package dev.pipelinesdk.embeddedpg.internal;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Stream;

/** The command line that runs {@code postgres}. Internal: not part of the API. */
public final class ServerCommand {

    /**
     * Runs {@code "$@"} (postgres) in the background and sends it SIGINT (fast shutdown) when
     * stdin reaches end of file: when the starter closes it, or when the starting JVM dies.
     */
    private static final String WATCHDOG = String.join("\n",
            "exec 3<&0",
            "\"$@\" 3<&- </dev/null &",
            "pg=$!",
            "( cat <&3 >/dev/null; kill -INT \"$pg\" 2>/dev/null ) &",
            "w=$!",
            "wait \"$pg\"",
            "st=$?",
            "kill \"$w\" 2>/dev/null",
            "exit \"$st\"");

    private static final Optional<String> SETSID = Stream.of("/usr/bin/setsid", "/bin/setsid")
            .filter(s -> Files.isExecutable(Path.of(s))).findFirst();

    private ServerCommand() {
    }

    /**
     * @param bin         the binaries' {@code bin} directory
     * @param dataDir     the data directory
     * @param port        the TCP port on 127.0.0.1
     * @param durable     {@code false}: fsync, synchronous commits and full page writes off
     * @param settings    further settings, overriding those above
     * @param stopWithJvm whether a watchdog stops the server when its stdin closes
     * @return the command: in a session of its own ({@code setsid}, when there is one), as the
     *     server user, behind the watchdog when asked, listening on 127.0.0.1 only, without a Unix socket
     */
    public static List<String> postgres(Path bin, Path dataDir, int port, boolean durable, Map<String, String> settings,
            boolean stopWithJvm) {
        List<String> postgres = new ArrayList<>(List.of(bin.resolve("postgres").toString(), "-D", dataDir.toString(),
                "-p", String.valueOf(port), "-h", "127.0.0.1"));
        Map<String, String> all = new LinkedHashMap<>();
        all.put("unix_socket_directories", "");
        if (!durable) {
            all.put("fsync", "off");
            all.put("synchronous_commit", "off");
            all.put("full_page_writes", "off");
        }
        all.putAll(settings);
        all.forEach((name, value) -> postgres.addAll(List.of("-c", name + "=" + value)));
        List<String> run = new ArrayList<>();
        if (stopWithJvm) {
            run.addAll(List.of("/bin/sh", "-c", WATCHDOG, "postgres-watchdog"));
        }
        run.addAll(postgres);
        List<String> command = new ArrayList<>();
        SETSID.ifPresent(command::add); // a session of its own: no terminal signals (Ctrl-C) reach it
        command.addAll(ServerUser.wrap(run));
        return command;
    }
}
