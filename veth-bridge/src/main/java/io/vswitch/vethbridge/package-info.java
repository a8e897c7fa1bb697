/**
 * veth-bridge: the network side of containers and emulated hosts -- namespaces, veth pairs,
 * bridges, addresses, routes, neighbor entries, shaping -- over rtnetlink through FFM, fast at
 * scale and leaving nothing behind. The emulator and the CNI plugin build on it.
 *
 * <h2>Public surface</h2>
 * <ul>
 *   <li>{@code netns.Netns}: a handle (fd + a netlink socket created inside) on the root, a named,
 *       an anonymous or a process's namespace; {@code sysctl}/{@code call} run inside it.
 *       {@code netns.NamedNamespaces}: create/open/delete/list as {@code ip netns} does.</li>
 *   <li>{@code link.Links} (veth, bridge, up/down, MTU, MAC, rename, master, move, delete, list),
 *       {@code ip.Addresses}, {@code ip.Routes}, {@code ip.Neighbors}, {@code ip.Cidr}.</li>
 *   <li>{@link io.vswitch.vethbridge.Plumbing#attach}: veth into a namespace (and a bridge),
 *       addressed, up, default route -- all or nothing.</li>
 *   <li>{@code shaping.LinkShaping} (what), {@code shaping.ShapingBackend} (who does it):
 *       {@code shaping.KernelShaping} with qdiscs the kernel is probed for
 *       ({@code shaping.QdiscCapabilities}); the vswitch port emulation can implement the same
 *       interface.</li>
 *   <li>{@code cleanup.Cleanup}: removes what an {@link io.vswitch.vethbridge.Owner} created.</li>
 * </ul>
 *
 * <h2>How</h2>
 * Each namespace handle owns a NETLINK_ROUTE socket created inside that namespace, so operations
 * on a namespace are plain netlink requests from the caller's thread; only sysctls run inside it
 * (on one of linux-ffm's namespace worker threads). A veth's peer is created directly in its namespace
 * (IFLA_NET_NS_FD), enslaved and up in the same request. Named namespaces are bind mounts on
 * /var/run/netns/NAME with /var/run/netns a shared mount point, exactly as iproute2 makes them.
 *
 * <h2>Invariants</h2>
 * <ul>
 *   <li>Everything we create carries its owner: links the alias {@code vswitch:<tag>}, named
 *       namespaces a marker file /run/vswitch/netns/NAME written before the namespace exists and
 *       removed after it is gone. Cleanup deletes exactly the marked objects (after a crash too)
 *       and is idempotent; unmarked objects are never touched. The one window: a crash between a
 *       link's creation and its alias (one netlink round trip) leaves an unmarked link; inside a
 *       namespace of ours it still goes with the namespace.</li>
 *   <li>Bad input is refused before the kernel sees it, with a message naming the object
 *       ({@code Names}, {@code Cidr}, {@code LinkShaping}); kernel refusals are translated where a
 *       better sentence exists and otherwise carry the kernel's extended-ack text.</li>
 *   <li>No half-made objects: a multi-step operation that fails deletes what it created; a
 *       shaping request a back end cannot fully serve changes nothing.</li>
 * </ul>
 *
 * <h2>Threading</h2>
 * Handles and the operation classes are safe to share (each socket serializes its requests).
 * Operations on different namespaces proceed in parallel; namespace entry (sysctls, creating a
 * namespace) runs on a few dedicated worker threads; the kernel serializes most link changes (RTNL).
 */
package io.vswitch.vethbridge;
