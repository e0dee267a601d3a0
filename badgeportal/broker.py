"""kombu's Redis transport, fixed so that the worker survives Redis dropping while it holds a message.

The bug (kombu 5.7.0 with celery 5.7.0, and kombu's main branch at the time of writing): when the broker
connection drops, celery's consumer calls `connection.collect()` and then `connection.close()`
(`Consumer.on_connection_error_after_connected`). The first closes the default channel, and the Redis
`Channel.close()` starts by reading the reply of the BRPOP in flight (`_brpop_read()`, added by
celery/kombu#1733 so a popped message is not lost). With the connection gone that read raises
`ConnectionError` before the channel is marked closed; `Connection.maybe_close_channel()` swallows it, and
`collect()` then detaches the transport (`transport.client = None`). The second call closes the same
channel again: this time the close gets as far as `QoS.restore_unacked_once()`, which needs a new Redis
client, whose connection parameters are read from `transport.client.hostname`: `AttributeError:
'NoneType' object has no attribute 'hostname'`. `ignore_errors()` only swallows connection and channel
errors, so the AttributeError leaves the consumer's error handler and the worker exits
("Unrecoverable error").

It happens when the worker holds an unacknowledged message (`acks_late`, or an ETA message) and has a
BRPOP in flight at the moment Redis drops, i.e. whenever it has a free slot: prefork with two processes
and one task running is enough. `test_the_worker_survives_redis_dying_while_it_holds_a_message` in
`badgeportal/tests/test_integration_redis_outage.py` reproduces it.

The fix: when the BRPOP read fails during close, finish closing without it, so the channel is closed
once and for all while the transport is still attached. The unacked messages cannot be restored to a
Redis that is down; the outbox does not need them (the database is its schedule).
"""

from kombu.transport import redis


class Channel(redis.Channel):
    def close(self):
        try:
            super().close()
        except self.connection_errors:
            if self.closed:
                raise
            # The connection died under the BRPOP read that starts close(): nothing is left to read.
            self._in_poll = None
            super().close()


class Transport(redis.Transport):
    Channel = Channel
