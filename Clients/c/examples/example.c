/* The README's example: cc example.c $(pkg-config --cflags --libs qbsync-client) */
#include <stdio.h>
#include <qbsync/qbsync.h>

int main(int argc, char **argv)
{
  qbsync_client *client = qbsync_client_open(argc > 1 ? argv[1] : "/tmp/qbsync.sock");
  Qbsync__V1__GetHealthRequest request = QBSYNC__V1__GET_HEALTH_REQUEST__INIT;
  request.company_id = "demo";
  Qbsync__V1__GetHealthResponse *health = NULL;
  qbsync_status status = QBSYNC_STATUS_INIT;
  if (qbsync_get_health(client, &request, NULL, &health, &status) == QBSYNC_OK) {
    printf("qbsync %s, last event %llu\n", health->version,
           (unsigned long long)health->last_sequence);
    protobuf_c_message_free_unpacked(&health->base, NULL);
  } else {
    fprintf(stderr, "%s: %s\n", qbsync_code_name(status.code), status.message);
  }
  qbsync_status_clear(&status);
  qbsync_client_free(client);
  return 0;
}
