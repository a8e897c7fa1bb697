// benchmarks/netns/breakdown: the kernel's own cost of N network namespaces (unshare, held by fds), no veth or address.
#define _GNU_SOURCE
#include <sched.h>
#include <stdio.h>
#include <stdlib.h>
#include <fcntl.h>
#include <unistd.h>
#include <time.h>
#include <sys/resource.h>
int main(int argc, char **argv) {
    int n = atoi(argv[1]);
    int *fds = malloc(sizeof(int) * n);
    int root = open("/proc/self/ns/net", O_RDONLY);
    struct timespec a, b; clock_gettime(CLOCK_MONOTONIC, &a);
    for (int i = 0; i < n; i++) {
        if (unshare(CLONE_NEWNET) < 0) { perror("unshare"); return 1; }
        fds[i] = open("/proc/self/ns/net", O_RDONLY);
    }
    clock_gettime(CLOCK_MONOTONIC, &b);
    setns(root, CLONE_NEWNET);
    struct rusage ru; getrusage(RUSAGE_SELF, &ru);
    printf("create %d namespaces: %.3f s wall, %.3f s sys, %.3f ms each\n", n,
           (b.tv_sec - a.tv_sec) + (b.tv_nsec - a.tv_nsec) / 1e9, ru.ru_stime.tv_sec + ru.ru_stime.tv_usec / 1e6,
           ((b.tv_sec - a.tv_sec) + (b.tv_nsec - a.tv_nsec) / 1e9) * 1000 / n);
    for (int i = 0; i < n; i++) close(fds[i]);
    return 0;
}
