package io.vswitch.vswitchd.port;

import io.vswitch.linux.LinuxException;
import io.vswitch.linux.NetlinkSocket;
import io.vswitch.linux.netlink.NlMessage;
import io.vswitch.linux.netlink.Rtnl;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Link changes as the kernel announces them (rtnetlink's link group), so a port going down or losing its carrier is
 * seen at once, not at the next poll: fast-failover groups and port-status messages follow within milliseconds. One
 * platform thread blocks in {@code recv}; for each RTM_NEWLINK/RTM_DELLINK it hands the interface's name to
 * {@code changed}; when the kernel dropped notifications (its socket buffer overflowed) it calls {@code lost}, and the
 * caller re-reads every port.
 */
public final class LinkMonitor implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(LinkMonitor.class);

    private final NetlinkSocket socket;
    private final Thread thread;
    private volatile boolean running = true;

    public LinkMonitor(Consumer<String> changed, Runnable lost) throws LinuxException {
        this.socket = NetlinkSocket.openLinkEvents();
        this.thread = Thread.ofPlatform().name("link-monitor").daemon(true).unstarted(() -> run(changed, lost));
        thread.start();
    }

    private void run(Consumer<String> changed, Runnable lost) {
        while (running) {
            try {
                for (NlMessage m : socket.awaitEvents()) {
                    if (m.type() == Rtnl.NLMSG_OVERRUN) {
                        lost.run();
                    } else if (m.type() == Rtnl.RTM_NEWLINK || m.type() == Rtnl.RTM_DELLINK) {
                        String name = m.attrs(Rtnl.IFINFOMSG_SIZE).string(Rtnl.IFLA_IFNAME);
                        if (name != null) changed.accept(name);
                    }
                }
            } catch (LinuxException | RuntimeException e) {
                if (!running) return;
                log.warn("link monitor: {}; link changes are picked up by the periodic check until a restart", e.getMessage());
                return;
            }
        }
    }

    @Override
    public void close() {
        running = false;
        try {
            thread.join(2000); // a wait ends within a second (the socket's receive timeout)
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        socket.close();
    }
}
