from evals.text import plural, some_of


def test_some_of_shows_a_few_names_and_counts_the_rest():
    assert some_of([]) == ""
    assert some_of(["a"]) == "a"
    assert some_of(["a", "b", "c"]) == "a, b, c"
    assert some_of(["a", "b", "c", "d", "e"]) == "a, b, c and 2 more"
    assert some_of(["a", "b"], shown=1) == "a and 1 more"


def test_plural_puts_the_noun_in_the_counts_number():
    assert plural(1, "task") == "1 task"
    assert plural(0, "task") == "0 tasks"
    assert plural(3, "cell") == "3 cells"
    assert plural(1, "retry", "retries") == "1 retry"
    assert plural(2, "retry", "retries") == "2 retries"
