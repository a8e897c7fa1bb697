/**
 * pcap files for vswitchd's ports: {@link io.vswitch.vswitchd.pcap.PcapRecorder} records what a port receives
 * and sends without blocking the datapath (a lock-free ring of preallocated buffers drained by a writer thread,
 * drops counted), {@link io.vswitch.vswitchd.pcap.PcapReader} reads captures to replay them into a port.
 *
 * <p>Files are read and written with pcap4j over libpcap (JNA), so what tcpdump, tshark and Wireshark write is
 * read and what we write they read. pcap4j 1.8.2 works on JDK 25 with a current JNA (pinned in the root pom);
 * libpcap0.8 must be installed (the CI script installs it). The daemon's side (commands, when recordings stop)
 * is in {@link io.vswitch.vswitchd.Daemon}; the datapath hooks are in
 * {@link io.vswitch.vswitchd.pmd.DatapathThread}.
 */
package io.vswitch.vswitchd.pcap;
