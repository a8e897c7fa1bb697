/** JMH micro-benchmarks of the datapath (parse, caches, classifier, actions). */
package io.vswitch.benchmarks;
