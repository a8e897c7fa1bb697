package io.vswitch.vethbridge.cni;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.vswitch.vethbridge.Names;

import java.io.IOException;
import java.util.Iterator;
import java.util.List;
import java.util.Set;

/**
 * The network configuration a runtime passes on stdin:
 * <pre>
 * {"cniVersion": "1.0.0", "name": "pods", "type": "vswitch-cni",
 *  "bridge": "cni0",                 // Linux bridge (made if missing) or vswitchd bridge
 *  "attach": "linux-bridge",         // or "vswitchd" (a port of a running vswitchd bridge)
 *  "vswitchdRundir": "/run/vswitch", // where vswitchd's control socket is
 *  "vlan": 100,                      // access VLAN of the port (vswitchd only)
 *  "isGateway": true,                // the gateway address on the Linux bridge
 *  "mtu": 1500,
 *  "ipam": {"type": "vswitch-ipam", "subnet": "10.22.0.0/16", "gateway": "10.22.0.1",
 *           "rangeStart": "10.22.0.10", "rangeEnd": "10.22.0.200",
 *           "routes": [{"dst": "0.0.0.0/0"}], "dataDir": "/var/lib/vswitch/cni/networks"}}
 * </pre>
 * Any other IPAM {@code type} (e.g. {@code host-local} from containernetworking-plugins) is run as a delegate
 * from CNI_PATH. Unknown top-level keys are refused unless the specification defines them, so a misspelt option is
 * an error instead of silently ignored.
 */
record NetConf(String cniVersion, String name, String bridge, Attach attach, String vswitchdRundir, int vlan,
               boolean isGateway, int mtu, JsonNode ipam, JsonNode prevResult, ObjectNode raw) {
    enum Attach { LINUX_BRIDGE, VSWITCHD }

    static final List<String> SUPPORTED_VERSIONS = List.of("0.3.0", "0.3.1", "0.4.0", "1.0.0");
    /** Keys of the specification (and of the runtime) this plugin accepts and ignores or uses. */
    private static final Set<String> KNOWN = Set.of("cniVersion", "name", "type", "bridge", "attach", "vswitchdRundir",
            "vlan", "isGateway", "mtu", "ipam", "prevResult", "args", "runtimeConfig", "capabilities", "dns",
            "cniVersions", "disableCheck");

    static NetConf parse(byte[] stdin, ObjectMapper json) throws CniException {
        JsonNode root;
        try {
            root = json.readTree(stdin);
        } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
            throw new CniException(CniException.DECODING_FAILURE, "network configuration is not valid JSON: " + e.getOriginalMessage()
                    + (e.getLocation() == null ? "" : " (line " + e.getLocation().getLineNr() + ", column " + e.getLocation().getColumnNr() + ")"));
        } catch (IOException e) {
            throw new CniException(CniException.IO_FAILURE, "reading the network configuration: " + e.getMessage());
        }
        if (!(root instanceof ObjectNode o)) throw new CniException(CniException.DECODING_FAILURE, "network configuration must be a JSON object");
        for (Iterator<String> it = o.fieldNames(); it.hasNext(); ) {
            String k = it.next();
            if (!KNOWN.contains(k)) throw new CniException(CniException.UNSUPPORTED_FIELD, "unsupported field '" + k + "' in the network configuration");
        }
        String version = text(o, "cniVersion", null);
        if (version == null) throw new CniException(CniException.INVALID_CONFIG, "cniVersion is missing");
        if (!SUPPORTED_VERSIONS.contains(version)) {
            throw new CniException(CniException.INCOMPATIBLE_VERSION, "CNI version " + version + " is not supported",
                    "supported: " + String.join(", ", SUPPORTED_VERSIONS));
        }
        String name = text(o, "name", null);
        if (name == null) throw new CniException(CniException.INVALID_CONFIG, "network name is missing");
        if (!name.matches("[A-Za-z0-9][A-Za-z0-9_.-]{0,62}")) {
            throw new CniException(CniException.INVALID_CONFIG, "network name '" + name + "' must be 1-63 of A-Z a-z 0-9 _ . - (starting alphanumeric)");
        }
        String bridge = text(o, "bridge", "cni0");
        try {
            Names.checkInterface(bridge);
        } catch (IllegalArgumentException e) {
            throw new CniException(CniException.INVALID_CONFIG, "bridge: " + e.getMessage());
        }
        Attach attach = switch (text(o, "attach", "linux-bridge")) {
            case "linux-bridge" -> Attach.LINUX_BRIDGE;
            case "vswitchd" -> Attach.VSWITCHD;
            default -> throw new CniException(CniException.INVALID_CONFIG, "attach must be linux-bridge or vswitchd, not '" + text(o, "attach", "") + "'");
        };
        int vlan = o.path("vlan").asInt(0);
        if (o.has("vlan") && (!o.get("vlan").isInt() || vlan < 1 || vlan > 4094)) {
            throw new CniException(CniException.INVALID_CONFIG, "vlan must be 1-4094, not " + o.get("vlan"));
        }
        int mtu = o.path("mtu").asInt(0);
        if (o.has("mtu") && (mtu < 68 || mtu > 65535)) throw new CniException(CniException.INVALID_CONFIG, "mtu " + o.get("mtu") + " is out of range (68 to 65535)");
        JsonNode ipam = o.get("ipam");
        if (ipam == null || !ipam.isObject() || !ipam.path("type").isTextual()) {
            throw new CniException(CniException.INVALID_CONFIG, "ipam with a type is required (e.g. {\"type\": \"vswitch-ipam\", \"subnet\": \"10.22.0.0/16\"})");
        }
        return new NetConf(version, name, bridge, attach, text(o, "vswitchdRundir", "/run/vswitch"), vlan,
                o.path("isGateway").asBoolean(false), mtu, ipam, o.get("prevResult"), o);
    }

    private static String text(ObjectNode o, String key, String otherwise) throws CniException {
        JsonNode n = o.get(key);
        if (n == null || n.isNull()) return otherwise;
        if (!n.isTextual()) throw new CniException(CniException.INVALID_CONFIG, key + " must be a string, not " + n);
        return n.asText();
    }

    /** Whether {@code version} is at least {@code other} (both from {@link #SUPPORTED_VERSIONS}). */
    static boolean atLeast(String version, String other) {
        return SUPPORTED_VERSIONS.indexOf(version) >= SUPPORTED_VERSIONS.indexOf(other);
    }
}
