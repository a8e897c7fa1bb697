/**
 * rtnetlink messages: building requests and reading answers, for the
 * {@link io.vswitch.linux.NetlinkSocket} that carries them. veth-bridge builds every link,
 * address, route, neighbor and qdisc request from these pieces; nothing here forks {@code ip}.
 *
 * <h2>What</h2>
 * <ul>
 *   <li>{@link io.vswitch.linux.netlink.NlRequest}: one request -- {@code nlmsghdr}, the fixed
 *       family header (ifinfomsg, ifaddrmsg, rtmsg, ndmsg, tcmsg) field by field, attributes,
 *       nested attributes (a nest is opened, filled, and its length patched when ended), and raw
 *       bytes for the two places where the kernel wants a struct inside an attribute
 *       (VETH_INFO_PEER's ifinfomsg, netem's tc_netem_qopt).</li>
 *   <li>{@link io.vswitch.linux.netlink.NlMessage} / {@link io.vswitch.linux.netlink.NlAttrs}:
 *       an answer split into messages, attributes indexed by type, the errno and the extended-ack
 *       text of an {@code NLMSG_ERROR}.</li>
 *   <li>{@link io.vswitch.linux.netlink.Rtnl}: every number used (types, flags, attribute ids,
 *       struct sizes and offsets).</li>
 * </ul>
 *
 * <h2>How a request travels</h2>
 * {@code NetlinkSocket.execute} stamps a sequence number and {@code NLM_F_REQUEST|NLM_F_ACK},
 * sends, and reads until the {@code NLMSG_ERROR} carrying that sequence number: error 0 is the
 * ack; anything else becomes a {@link io.vswitch.linux.LinuxException} with the errno and the
 * kernel's own sentence (NETLINK_EXT_ACK), e.g. "create link x: Operation not supported
 * (EOPNOTSUPP): Unknown device type". NETLINK_CAP_ACK keeps error answers small (the request is
 * echoed as its header only). {@code query} also returns the answer messages before the ack
 * (RTM_GETLINK of one name); {@code dump} adds {@code NLM_F_DUMP} and collects until
 * {@code NLMSG_DONE}, repeating a dump the kernel flags as interrupted. {@code executeAll}
 * pipelines several requests and then reads their acks.
 *
 * <h2>Invariants</h2>
 * <ul>
 *   <li>Every number is a constant in {@code Rtnl}, checked against the C headers by
 *       {@code LayoutDriftTest} like those of {@code Libc}.</li>
 *   <li>Host byte order (x86_64: little-endian), 4-byte alignment of every attribute; lengths
 *       count the value but not the padding.</li>
 *   <li>Parsing never throws on damaged input: it stops at the first length that does not fit.</li>
 *   <li>Answers with a foreign sequence number (late answers to abandoned requests) are
 *       skipped, so one failed request never desynchronises the socket.</li>
 * </ul>
 *
 * <h2>Namespaces and threading</h2>
 * A netlink socket belongs to the network namespace it was <em>created</em> in. Open one on the
 * namespace workers ({@link io.vswitch.linux.Namespaces#callIn}) and use it from any thread: no
 * {@code setns} per operation. A link is created directly in another namespace by passing that
 * namespace's fd as IFLA_NET_NS_FD (VETH_INFO_PEER does it for a veth's peer). Socket methods
 * are synchronized: one request or dump at a time per socket; builders and parsed messages are
 * confined to their thread.
 */
package io.vswitch.linux.netlink;
