package io.vswitch.linux;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.api.Test;

class LinuxExceptionTest {
    @Test
    void messageNamesOperationObjectAndError() {
        LinuxException e = new LinuxException("bind AF_PACKET socket to", "veth0", Errno.ENODEV);
        assertEquals("bind AF_PACKET socket to veth0: No such device (ENODEV)", e.getMessage());
        assertEquals(19, e.errno());
        assertEquals("x y: Resource temporarily unavailable (EAGAIN)", new LinuxException("x", "y", 11).getMessage());
        assertEquals("x y: Unknown error 4000 (errno 4000)", new LinuxException("x", "y", 4000).getMessage());
    }
}
