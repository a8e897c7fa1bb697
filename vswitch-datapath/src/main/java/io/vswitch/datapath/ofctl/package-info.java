/**
 * The ovs-ofctl text syntax for flows, matches, actions and packet keys: {@link io.vswitch.datapath.ofctl.FlowParser}
 * reads it (its javadoc describes the grammar), {@link io.vswitch.datapath.ofctl.FlowFormatter} prints it back so
 * that parsing the printed text gives the same object. {@link io.vswitch.datapath.ofctl.GroupParser} and
 * {@link io.vswitch.datapath.ofctl.MeterParser} read the add-group and add-meter syntax (bucket actions are read
 * by the same {@code ActionParser} as flow actions), {@link io.vswitch.datapath.ofctl.GroupFormatter} and
 * {@link io.vswitch.datapath.ofctl.MeterFormatter} print dump-groups and dump-meters text that reads back, and
 * {@link io.vswitch.datapath.ofctl.FlowFile}, {@link io.vswitch.datapath.ofctl.GroupFile} and
 * {@link io.vswitch.datapath.ofctl.MeterFile} load one item per line with file:line:column errors.
 *
 * <p>Inside: {@code Tokenizer} splits items with their columns; {@code MatchFields} is the table of field names,
 * aliases and value forms; {@code ProtocolKeyword} the protocol shorthands; {@code MatchParser},
 * {@code KeyParser}, {@code ActionParser} and {@code FlowSettings} build the objects; {@code MatchFormatter} and
 * {@code ActionFormatter} print them. Not a hot path: plain java.util collections and strings throughout.
 */
package io.vswitch.datapath.ofctl;
