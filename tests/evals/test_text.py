from evals.text import some_of


def test_some_of_shows_a_few_names_and_counts_the_rest():
    assert some_of([]) == ""
    assert some_of(["a"]) == "a"
    assert some_of(["a", "b", "c"]) == "a, b, c"
    assert some_of(["a", "b", "c", "d", "e"]) == "a, b, c and 2 more"
    assert some_of(["a", "b"], shown=1) == "a and 1 more"
