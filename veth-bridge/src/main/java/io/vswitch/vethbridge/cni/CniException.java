package io.vswitch.vethbridge.cni;

/**
 * A failure reported to the runtime as the CNI error object ({@code code}, {@code msg}, {@code details}); the
 * plugin then exits non-zero. Codes 1-99 are the specification's, 100 and up this plugin's own.
 */
final class CniException extends Exception {
    static final int INCOMPATIBLE_VERSION = 1, UNSUPPORTED_FIELD = 2, UNKNOWN_CONTAINER = 3, INVALID_ENVIRONMENT = 4,
            IO_FAILURE = 5, DECODING_FAILURE = 6, INVALID_CONFIG = 7, TRY_AGAIN_LATER = 11;
    /** CHECK found the container's network not as ADD left it. */
    static final int CHECK_FAILED = 100;
    /** The IPAM range has no free address. */
    static final int NO_FREE_ADDRESS = 101;
    /** ADD for a container interface that is attached already. */
    static final int ALREADY_ATTACHED = 102;

    final int code;
    final String details;

    CniException(int code, String message) {
        this(code, message, "");
    }

    CniException(int code, String message, String details) {
        super(message);
        this.code = code;
        this.details = details == null ? "" : details;
    }
}
