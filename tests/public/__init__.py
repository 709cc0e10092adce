"""The public side: the scan page, kept pages, scans, QR codes, labels, Digital Link."""
