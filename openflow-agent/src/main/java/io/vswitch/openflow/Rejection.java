package io.vswitch.openflow;

/**
 * A request the agent itself rejects (before the datapath sees it) with an OpenFlow 1.3 error type/code that
 * {@link io.vswitch.datapath.OfError} does not list (bad version, bad type, bad multipart, ...).
 */
final class Rejection extends RuntimeException {
    static final int BAD_REQUEST = 1;
    static final int BRC_BAD_VERSION = 0, BRC_BAD_TYPE = 1, BRC_BAD_MULTIPART = 2, BRC_EPERM = 5, BRC_BAD_LEN = 6,
            BRC_BUFFER_UNKNOWN = 8;
    static final int HELLO_FAILED = 0, HFC_INCOMPATIBLE = 0;
    static final int ROLE_REQUEST_FAILED = 11, RRFC_STALE = 0, RRFC_BAD_ROLE = 2;

    final int type, code;

    Rejection(int type, int code, String message) {
        super(message);
        this.type = type;
        this.code = code;
    }
}
