package io.vswitch.vethbridge;

import java.io.IOException;

/**
 * A plumbing request was refused, with a message that names the object and the reason
 * ("veth name h1-eth0 already exists", "namespace h3 not found", "bridge br9 not found"). The
 * kernel's own error, when there was one, is the cause.
 */
public class VethBridgeException extends IOException {
    private static final long serialVersionUID = 1L;

    public VethBridgeException(String message) {
        super(message);
    }

    public VethBridgeException(String message, Throwable cause) {
        super(message, cause);
    }
}
