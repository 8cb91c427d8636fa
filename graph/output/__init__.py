"""How results leave the program safely: files and folders written atomically, rows as tables/CSV/JSON, and
library warnings as one line each. The bottom stage: it imports no other stage."""
