"""After the workshop: importing ratings, analysing the results, drawing the charts and
the synthesis report's context. No number of a report is typed by hand: each comes from here.
"""
