"""An SMTP server on loopback for the alert benchmark: accepts everything, keeps nothing but
counts, and every 0.2 s writes them to a JSON file (messages, distinct Message-IDs, when the
first and the last arrived)."""

import json
import sys
import threading
import time
from pathlib import Path

from aiosmtpd.controller import Controller


class Counter:
    def __init__(self):
        self.count = 0
        self.ids = set()
        self.first = self.last = None

    async def handle_DATA(self, server, session, envelope):
        content = envelope.content
        start = content.find(b"\nMessage-ID: ")
        if start == -1:
            start = content.find(b"\r\nMessage-ID: ")
        end = content.find(b"\n", start + 2)
        self.ids.add(content[start:end].strip())
        self.count += 1
        now = time.time()
        self.first = self.first or now
        self.last = now
        return "250 OK"


def main(port, status_file):
    counter = Counter()
    controller = Controller(counter, hostname="127.0.0.1", port=port)
    controller.start()
    status = Path(status_file)
    stop = threading.Event()
    try:
        while not stop.wait(0.2):
            snapshot = {"messages": counter.count, "distinct": len(counter.ids),
                        "first": counter.first, "last": counter.last}  # fmt: skip
            status.write_text(json.dumps(snapshot))
    finally:
        controller.stop()


if __name__ == "__main__":
    main(int(sys.argv[1]), sys.argv[2])
