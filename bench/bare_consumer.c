/* The reference for connector_cpu_bench: a consumer that only reads, using librdkafka alone.
 * Usage: bare_consumer BOOTSTRAP_SERVERS TOPIC GROUP_ID MESSAGES TIMEOUT_SECONDS
 * Joins GROUP_ID, reads TOPIC from the earliest offset one message at a time (as a plain
 * KafkaConsumer does), touches every payload byte, and exits 0 after MESSAGES messages (1 on
 * timeout or error). Prints "messages=N bytes=B checksum=C poll_thread_cpu_s=P
 * other_threads_cpu_s=O peak_rss_kb=R" on stdout: the CPU of the thread that polls and of
 * librdkafka's own, and the peak resident memory (VmHWM). */

#define _GNU_SOURCE /* RUSAGE_THREAD */
#include <librdkafka/rdkafka.h>
#include <stdio.h>
#include <sys/resource.h>
#include <stdlib.h>
#include <time.h>

static double NowSeconds(void) {
  struct timespec ts;
  clock_gettime(CLOCK_MONOTONIC, &ts);
  return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static double CpuSeconds(const struct rusage* usage) {
  return (double)usage->ru_utime.tv_sec + (double)usage->ru_utime.tv_usec / 1e6 +
         (double)usage->ru_stime.tv_sec + (double)usage->ru_stime.tv_usec / 1e6;
}

/* VmHWM from /proc/self/status, in KiB (0 if unreadable). */
static long PeakResidentKb(void) {
  FILE* status = fopen("/proc/self/status", "r");
  if (status == NULL) return 0;
  char line[256];
  long kb = 0;
  while (fgets(line, sizeof line, status) != NULL) {
    if (sscanf(line, "VmHWM: %ld", &kb) == 1) break;
  }
  fclose(status);
  return kb;
}

static int Set(rd_kafka_conf_t* conf, const char* name, const char* value) {
  char error[256];
  if (rd_kafka_conf_set(conf, name, value, error, sizeof error) != RD_KAFKA_CONF_OK) {
    fprintf(stderr, "bare_consumer: %s=%s: %s\n", name, value, error);
    return 0;
  }
  return 1;
}

int main(int argc, char** argv) {
  if (argc != 6) {
    fprintf(stderr, "usage: %s BOOTSTRAP_SERVERS TOPIC GROUP_ID MESSAGES TIMEOUT_SECONDS\n",
            argv[0]);
    return 2;
  }
  const long long wanted = atoll(argv[4]);
  const double deadline = NowSeconds() + atof(argv[5]);

  rd_kafka_conf_t* conf = rd_kafka_conf_new();
  if (!Set(conf, "bootstrap.servers", argv[1]) || !Set(conf, "group.id", argv[3]) ||
      !Set(conf, "auto.offset.reset", "earliest") || !Set(conf, "enable.auto.commit", "false") ||
      !Set(conf, "enable.partition.eof", "false")) {
    return 2;
  }
  char error[256];
  rd_kafka_t* rk = rd_kafka_new(RD_KAFKA_CONSUMER, conf, error, sizeof error);
  if (rk == NULL) {
    fprintf(stderr, "bare_consumer: %s\n", error);
    return 2;
  }
  rd_kafka_poll_set_consumer(rk);
  rd_kafka_topic_partition_list_t* topics = rd_kafka_topic_partition_list_new(1);
  rd_kafka_topic_partition_list_add(topics, argv[2], RD_KAFKA_PARTITION_UA);
  rd_kafka_resp_err_t err = rd_kafka_subscribe(rk, topics);
  rd_kafka_topic_partition_list_destroy(topics);
  if (err != RD_KAFKA_RESP_ERR_NO_ERROR) {
    fprintf(stderr, "bare_consumer: subscribe: %s\n", rd_kafka_err2str(err));
    return 2;
  }

  long long messages = 0;
  unsigned long long bytes = 0;
  unsigned checksum = 0;
  while (messages < wanted && NowSeconds() < deadline) {
    rd_kafka_message_t* message = rd_kafka_consumer_poll(rk, 100);
    if (message == NULL) continue;
    if (message->err == RD_KAFKA_RESP_ERR_NO_ERROR) {
      const unsigned char* payload = (const unsigned char*)message->payload;
      for (size_t i = 0; i < message->len; ++i) checksum = checksum * 31u + payload[i];
      bytes += message->len;
      ++messages;
    }
    rd_kafka_message_destroy(message);
  }
  rd_kafka_consumer_close(rk);
  rd_kafka_destroy(rk);
  struct rusage poll_thread;
  struct rusage process;
  getrusage(RUSAGE_THREAD, &poll_thread);
  getrusage(RUSAGE_SELF, &process); /* librdkafka's threads have all exited: they count here */
  const double poll_cpu = CpuSeconds(&poll_thread);
  printf(
      "messages=%lld bytes=%llu checksum=%u poll_thread_cpu_s=%.3f other_threads_cpu_s=%.3f "
      "peak_rss_kb=%ld\n",
      messages, bytes, checksum, poll_cpu, CpuSeconds(&process) - poll_cpu, PeakResidentKb());
  return messages == wanted ? 0 : 1;
}
