package dev.pipelinesdk.core.internal;

import java.net.InetAddress;

/** The name this process goes by in leases, run records and migration records: host/pid. */
public final class NodeId {
    private NodeId() {
    }

    /** @return {@code $HOSTNAME} (or the local host name) and the process id, e.g. {@code web-1/4242} */
    public static String current() {
        String host = System.getenv("HOSTNAME");
        if (host == null || host.isBlank()) {
            try {
                host = InetAddress.getLocalHost().getHostName();
            } catch (Exception e) {
                host = "unknown-host";
            }
        }
        return host + "/" + ProcessHandle.current().pid();
    }
}
