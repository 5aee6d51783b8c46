#!/usr/bin/env python
"""Print the number of the first page of a PDF book that holds a figure caption ("Fig. 5.1:")
(CI renders it as a picture: `pdftoppm -f N -l N`).  Usage: python scripts/pdf_first_figure.py book.pdf"""

import re
import subprocess
import sys


def first_figure_page(pdf: str) -> int:
    text = subprocess.run(
        ["pdftotext", "-layout", pdf, "-"], capture_output=True, text=True, check=True
    ).stdout
    for number, page in enumerate(text.split("\f"), start=1):
        if re.search(r"^\s*Fig\. \d+\.\d+:", page, flags=re.M):
            return number
    sys.exit(f"{pdf}: no figure caption found")


if __name__ == "__main__":
    print(first_figure_page(sys.argv[1]))
