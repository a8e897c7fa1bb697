package io.vswitch.linux.netlink;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Message building and parsing without a socket: bytes as the kernel lays them out. */
class NlRequestTest {
    @Test
    void headerFamilyHeaderAndPaddedAttributes() {
        NlRequest r = new NlRequest(Rtnl.RTM_NEWLINK, Rtnl.NLM_F_CREATE | Rtnl.NLM_F_EXCL)
                .header(Rtnl.IFINFOMSG_SIZE).header32(Rtnl.IFI_INDEX, 7)
                .attrString(Rtnl.IFLA_IFNAME, "eth0")
                .attr32(Rtnl.IFLA_MTU, 1400);
        ByteBuffer b = r.view();
        assertEquals(16 + 16 + 12 + 8, b.getInt(0), "nlmsg_len: header, ifinfomsg, 'eth0\\0' padded to 8 + 4, u32");
        assertEquals(Rtnl.RTM_NEWLINK, b.getShort(4));
        assertEquals(Rtnl.NLM_F_CREATE | Rtnl.NLM_F_EXCL, b.getShort(6));
        assertEquals(7, b.getInt(16 + 4));
        assertEquals(9, b.getShort(32), "rta_len counts the NUL, not the padding");
        assertEquals(Rtnl.IFLA_IFNAME, b.getShort(34));
        assertEquals(1400, b.getInt(44 + 4));
    }

    @Test
    void nestsPatchTheirLengthAndParseBack() {
        NlRequest r = new NlRequest(Rtnl.RTM_NEWLINK, 0).header(Rtnl.IFINFOMSG_SIZE);
        int info = r.nest(Rtnl.IFLA_LINKINFO);
        r.attrString(Rtnl.IFLA_INFO_KIND, "bridge");
        int data = r.nest(Rtnl.IFLA_INFO_DATA);
        r.attr32(Rtnl.IFLA_BR_STP_STATE, 1).attr8(Rtnl.IFLA_BR_VLAN_FILTERING, 1);
        r.end(data).end(info);
        r.attr64(99, 0x1_0000_0002L);
        byte[] bytes = r.bytes();
        NlMessage m = NlMessage.split(bytes, bytes.length).getFirst();
        NlAttrs top = m.attrs(Rtnl.IFINFOMSG_SIZE);
        NlAttrs li = top.nested(Rtnl.IFLA_LINKINFO);
        assertEquals("bridge", li.string(Rtnl.IFLA_INFO_KIND));
        NlAttrs d = li.nested(Rtnl.IFLA_INFO_DATA);
        assertEquals(1, d.u32(Rtnl.IFLA_BR_STP_STATE, -1));
        assertEquals(1, d.u8(Rtnl.IFLA_BR_VLAN_FILTERING, -1));
        assertEquals(0x1_0000_0002L, top.u64(99, -1));
        assertFalse(top.has(Rtnl.IFLA_MTU));
        assertNull(top.string(Rtnl.IFLA_IFNAME));
    }

    @Test
    void errorMessageCarriesTheExtendedAckText() {
        // NLMSG_ERROR, capped, with TLVs: error -17, echoed header (16 bytes), NLMSGERR_ATTR_MSG "File exists".
        ByteBuffer b = ByteBuffer.allocate(16 + 4 + 16 + 16).order(ByteOrder.nativeOrder());
        b.putInt(0, b.capacity()).putShort(4, (short) Rtnl.NLMSG_ERROR)
                .putShort(6, (short) (Rtnl.NLM_F_CAPPED | Rtnl.NLM_F_ACK_TLVS)).putInt(8, 5);
        b.putInt(16, -17);
        b.putInt(20, 40); // echoed nlmsg_len (of the original, uncapped request)
        b.putShort(36, (short) 16).putShort(38, (short) Rtnl.NLMSGERR_ATTR_MSG);
        b.put(40, "File exists\0".getBytes());
        List<NlMessage> ms = NlMessage.split(b.array(), b.capacity());
        assertEquals(1, ms.size());
        assertEquals(-17, ms.getFirst().error());
        assertEquals(5, ms.getFirst().seq());
        assertEquals("File exists", ms.getFirst().extAckMessage());
    }

    @Test
    void damagedLengthsStopParsingInsteadOfThrowing() {
        byte[] junk = {40, 0, 0, 0, 2, 0, 0, 0, 1, 0, 0, 0, 0, 0, 0, 0, 1, 2};
        assertEquals(List.of(), NlMessage.split(junk, junk.length));
        ByteBuffer attrs = ByteBuffer.wrap(new byte[] {(byte) 200, 0, 3, 0, 1, 2}).order(ByteOrder.nativeOrder());
        assertFalse(NlAttrs.parse(attrs, 0, 6).has(3));
        byte[] one = new NlRequest(1, 0).attrString(1, "a").bytes();
        assertArrayEquals(new byte[] {6, 0, 1, 0, 'a', 0, 0, 0}, java.util.Arrays.copyOfRange(one, 16, 24));
    }
}
