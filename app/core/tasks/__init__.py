"""Work on whole documents: summarise, extract into a table, compare, translate.

Each task reads its document through the sandboxed reader (the document need
not be in a library), cuts it into parts that fit the model's context, and runs
as one job on the model worker, with progress (parts done / total), cancel, and
partial results as it goes. Every point, cell and difference it returns names
the pages it came from, as numbered sources ([n]) like an answer's.
"""
