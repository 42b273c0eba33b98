from pathlib import Path

MINI = Path(__file__).resolve().parent / "data" / "mini"
