import ast


def bad(expr, request, code):
    # ruleid: controlgate.python.eval-injection
    result = eval(expr)
    # ruleid: controlgate.python.eval-injection
    result = eval(request.args.get("q"), {"__builtins__": {}})
    # ruleid: controlgate.python.eval-injection
    exec(code)
    # ruleid: controlgate.python.eval-injection
    exec(f"handler_{request.args['name']}()")
    # ruleid: controlgate.python.eval-injection
    value = eval("1 + " + expr)
    # ruleid: controlgate.python.eval-injection
    exec(compile(code, "<plugin>", "exec"))
    # ruleid: controlgate.python.eval-injection
    total = eval(compile(expr, "<expr>", "eval"), {})
    return result, value, total


def good(expr, model, df):
    # ok: controlgate.python.eval-injection
    a = ast.literal_eval(expr)
    # ok: controlgate.python.eval-injection
    b = eval("2 ** 10")
    # ok: controlgate.python.eval-injection
    exec("import this")
    # ok: controlgate.python.eval-injection
    model.eval()
    # ok: controlgate.python.eval-injection
    c = df.eval("a + b")
    # ok: controlgate.python.eval-injection
    exec(compile("x = 1", "<init>", "exec"))
    return a, b, c
