"""The public side: the scan page's content, kept pages and scans, QR codes, labels and GS1 Digital Link."""
