package io.vswitch.linux;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.vswitch.linux.netlink.NlMessage;
import io.vswitch.linux.netlink.NlRequest;
import io.vswitch.linux.netlink.Rtnl;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;

/** A real NETLINK_ROUTE socket: dumps, acks, the kernel's extended-ack text, and sockets made inside a new namespace. */
class NetlinkSocketTest {
    private static List<String> linkNames(NetlinkSocket s) throws LinuxException {
        List<NlMessage> links = s.dump(new NlRequest(Rtnl.RTM_GETLINK, 0).header(Rtnl.IFINFOMSG_SIZE), "dump", "links");
        return links.stream().map(m -> m.attrs(Rtnl.IFINFOMSG_SIZE).string(Rtnl.IFLA_IFNAME)).toList();
    }

    @Test
    void dumpsTheLinksOfTheRootNamespace() throws Exception {
        try (NetlinkSocket s = NetlinkSocket.openRoute()) {
            List<String> names = linkNames(s);
            assertTrue(names.contains("lo"), names.toString());
            assertEquals(Files.list(Path.of("/sys/class/net")).count(), names.size());
        }
    }

    @Test
    void errorsCarryErrnoAndTheKernelsExplanation() throws Exception {
        VethPair.assumeRoot();
        try (NetlinkSocket s = NetlinkSocket.openRoute()) {
            NlRequest r = new NlRequest(Rtnl.RTM_NEWLINK, Rtnl.NLM_F_CREATE | Rtnl.NLM_F_EXCL).header(Rtnl.IFINFOMSG_SIZE)
                    .attrString(Rtnl.IFLA_IFNAME, "lfTnokind");
            int li = r.nest(Rtnl.IFLA_LINKINFO);
            r.attrString(Rtnl.IFLA_INFO_KIND, "no-such-kind").end(li);
            LinuxException e = assertThrows(LinuxException.class, () -> s.execute(r, "create link", "lfTnokind"));
            assertEquals(Errno.EOPNOTSUPP, e.errno());
            assertEquals("create link lfTnokind: Operation not supported (EOPNOTSUPP): Unknown device type",
                    e.getMessage());
            // the socket stays usable after an error
            assertTrue(linkNames(s).contains("lo"));
        }
    }

    @Test
    void aSocketOpenedInANewNamespaceSeesOnlyItsLoopback() throws Exception {
        VethPair.assumeRoot();
        try (NetlinkSocket inside = Namespaces.callInNew(NetlinkSocket::openRoute)) {
            assertEquals(List.of("lo"), linkNames(inside));
            // and the calling thread is still in its own namespace
            try (NetlinkSocket here = NetlinkSocket.openRoute()) {
                assertNotEquals(List.of("lo"), linkNames(here));
            }
        }
    }
}
