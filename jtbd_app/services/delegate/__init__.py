"""Tasks and the Delegate menu: a member's to-do list, the routes offered for each task, the choice made and its
outcome; the outside partners, their scorecards and their curation."""
